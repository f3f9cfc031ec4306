using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Benchmark;

/// <summary>
/// The floor for any HTTP-level MCP intermediary on this machine: a Kestrel endpoint that forwards each POST body
/// and the MCP headers to the upstream with HttpClient and copies the answer back, with no parsing, sessions or
/// routing. It runs in this process (its CPU counts as bench CPU), so it is measured in the most favourable way.
/// </summary>
internal sealed class PassThroughRelay : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PassThroughRelay(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<PassThroughRelay> StartAsync(string upstreamUrl)
    {
        var upstream = new Uri(upstreamUrl);
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream)
            {
                Content = new ByteArrayContent(body.ToArray()),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
            foreach (var name in new[] { "Accept", "Mcp-Session-Id", "MCP-Protocol-Version" })
            {
                if (context.Request.Headers.TryGetValue(name, out var value))
                {
                    request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Headers.TryGetValues("Mcp-Session-Id", out var session))
            {
                context.Response.Headers["Mcp-Session-Id"] = session.First();
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            if (response.Content.Headers.ContentType is { } contentType)
            {
                context.Response.ContentType = contentType.ToString();
            }

            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
        await app.StartAsync();
        var relay = new PassThroughRelay(app) { Url = app.Urls.First().TrimEnd('/') + "/mcp" };
        return relay;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
