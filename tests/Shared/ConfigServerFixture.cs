using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Testing;

/// <summary>
/// A real config-server on 127.0.0.1:0 serving <c>/config-server/configs</c>, <c>/certs</c> and <c>/files</c>,
/// recording every request it receives.
/// </summary>
public sealed class ConfigServerFixture : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConfigServerFixture(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Body of /configs; change between requests to simulate a config change.</summary>
    public string ValuesYaml { get; set; } = "";

    public string ValuesContentType { get; set; } = "application/yaml";

    public int ValuesStatus { get; set; } = 200;

    /// <summary>Files for /files as name to text; null answers 404.</summary>
    public Dictionary<string, string>? Files { get; set; }

    public Dictionary<string, string>? Certs { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string Url { get; private set; } = "";

    /// <param name="certificate">Serve HTTPS with this certificate instead of HTTP.</param>
    public static async Task<ConfigServerFixture> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var fixture = new ConfigServerFixture(app);
        app.Run(fixture.HandleAsync);
        await app.StartAsync();
        var port = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        fixture.Url = $"{(certificate is null ? "http" : "https")}://{(certificate is null ? "127.0.0.1" : "localhost")}:{port}";
        return fixture;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue(new RecordedRequest(
            request.Path.Value ?? "",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.Authorization.ToString(),
            request.Headers.Accept.ToString()));
        switch (request.Path.Value)
        {
            case "/config-server/configs":
                context.Response.StatusCode = ValuesStatus;
                context.Response.ContentType = ValuesContentType;
                await context.Response.WriteAsync(ValuesYaml);
                break;
            case "/config-server/files":
                await WriteFileMap(context, Files);
                break;
            case "/config-server/certs":
                await WriteFileMap(context, Certs);
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static async Task WriteFileMap(HttpContext context, Dictionary<string, string>? files)
    {
        if (files is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/json";
        var encoded = files.ToDictionary(f => f.Key, f => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(f.Value)));
        await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(encoded));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Path, Dictionary<string, string> Query, string Authorization, string Accept);
