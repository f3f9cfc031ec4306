using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>
/// A real backend on 127.0.0.1 for the proxy: echoes what it received, streams on cue, stalls until the caller
/// leaves, and answers with hop-by-hop headers.
/// </summary>
internal sealed class ProxyBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ProxyBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>/stream and /break wait for this after their first chunk.</summary>
    public TaskCompletionSource ReleaseStream { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when /stream has written its last chunk.</summary>
    public TaskCompletionSource StreamFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a /slow request arrives.</summary>
    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the gateway cancels a /slow request.</summary>
    public TaskCompletionSource SlowAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<ProxyBackend> StartAsync(string name, bool http2Only = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            if (http2Only)
            {
                // Cleartext HTTP/2 with prior knowledge only (h2c), so an HTTP/1.1 request cannot succeed by accident.
                k.ConfigureEndpointDefaults(o => o.Protocols = HttpProtocols.Http2);
            }
        });
        var app = builder.Build();
        var backend = new ProxyBackend(app, name);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        backend.BaseUrl = app.Urls.First();
        return backend;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        if (path.EndsWith("/stream", StringComparison.Ordinal))
        {
            response.ContentType = "text/plain";
            await response.WriteAsync("chunk-1\n");
            await response.Body.FlushAsync();
            await ReleaseStream.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            await response.WriteAsync("chunk-2\n");
            StreamFinished.TrySetResult();
            return;
        }

        if (path.EndsWith("/slow", StringComparison.Ordinal))
        {
            SlowStarted.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                SlowAborted.TrySetResult();
                return;
            }

            await response.WriteAsync("late");
            return;
        }

        if (path.EndsWith("/hop", StringComparison.Ordinal))
        {
            response.Headers["Connection"] = "X-Resp-Hop";
            response.Headers["X-Resp-Hop"] = "connection-scoped";
            response.Headers["Keep-Alive"] = "timeout=5";
            response.Headers["Proxy-Authenticate"] = "Basic realm=backend";
            response.Headers["X-End-To-End"] = "kept";
            response.Headers.Append("Set-Cookie", "a=1");
            response.Headers.Append("Set-Cookie", "b=2");
            await response.WriteAsync("hop");
            return;
        }

        if (path.EndsWith("/break", StringComparison.Ordinal))
        {
            response.ContentType = "text/plain";
            await response.WriteAsync("partial\n");
            await response.Body.FlushAsync();
            await ReleaseStream.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            context.Abort();
            return;
        }

        if (path.EndsWith("/teapot", StringComparison.Ordinal))
        {
            response.StatusCode = 418;
            await response.WriteAsync("short and stout");
            return;
        }

        if (path.EndsWith("/bytes", StringComparison.Ordinal))
        {
            var count = int.Parse(request.Query["n"].ToString());
            response.ContentType = "application/octet-stream";
            await response.Body.WriteAsync(Pattern(count));
            return;
        }

        await EchoAsync(context);
    }

    /// <summary>What the backend saw, as JSON: method, path, query, protocol, headers, body length and hash (and text when short).</summary>
    private async Task EchoAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = new JsonObject();
        foreach (var (name, value) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = value.ToString();
        }

        var echo = new JsonObject
        {
            ["backend"] = Name,
            ["method"] = request.Method,
            ["path"] = request.Path.Value,
            ["query"] = request.QueryString.Value,
            ["protocol"] = request.Protocol,
            ["host"] = request.Host.Value,
            ["headers"] = headers,
            ["bodyLength"] = body.Length,
            ["bodySha256"] = Convert.ToHexString(SHA256.HashData(body)),
            ["body"] = body.Length <= 4096 ? Encoding.UTF8.GetString(body) : null,
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(echo.ToJsonString());
    }

    /// <summary>Deterministic bytes, so both ends can check what went through.</summary>
    public static byte[] Pattern(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
