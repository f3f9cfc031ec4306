using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LightFabric.EndToEnd.Tests.Bridge;

/// <summary>
/// A minimal Streamable HTTP MCP endpoint on 127.0.0.1 standing in for a gateway: it records every request's
/// method, Authorization and extra headers, and answers initialize, tools/list and notifications.
/// </summary>
internal sealed class StandInGateway : IAsyncDisposable
{
    public const string SessionId = "stand-in-session-1";

    private readonly WebApplication _app;

    private StandInGateway(WebApplication app, Uri mcpUrl)
    {
        _app = app;
        McpUrl = mcpUrl;
    }

    public Uri McpUrl { get; }

    public ConcurrentQueue<Seen> Requests { get; } = new();

    public sealed record Seen(string HttpMethod, string? JsonRpcMethod, string? Authorization, string? Tenant, string? Session);

    public static async Task<StandInGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StandInGateway? self = null;
        app.Map("/mcp", async context =>
        {
            var request = context.Request;
            JsonObject? message = null;
            if (HttpMethods.IsPost(request.Method))
            {
                message = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync()) as JsonObject;
            }

            self!.Requests.Enqueue(new Seen(request.Method, message?["method"]?.GetValue<string>(),
                request.Headers.Authorization.FirstOrDefault(), request.Headers["X-Tenant"].FirstOrDefault(),
                request.Headers["Mcp-Session-Id"].FirstOrDefault()));
            if (HttpMethods.IsDelete(request.Method))
            {
                context.Response.StatusCode = 200;
                return;
            }

            if (!HttpMethods.IsPost(request.Method) || message is null)
            {
                context.Response.StatusCode = 405;
                return;
            }

            if (message["id"] is null)
            {
                context.Response.StatusCode = 202;
                return;
            }

            JsonNode result = message["method"]?.GetValue<string>() switch
            {
                "initialize" => new JsonObject
                {
                    ["protocolVersion"] = "2025-06-18",
                    ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                    ["serverInfo"] = new JsonObject { ["name"] = "stand-in", ["version"] = "1.0.0" },
                },
                "tools/list" => new JsonObject { ["tools"] = new JsonArray() },
                _ => new JsonObject(),
            };
            context.Response.Headers["Mcp-Session-Id"] = SessionId;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = message["id"]!.DeepClone(), ["result"] = result }.ToJsonString());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new StandInGateway(app, new Uri(new Uri(address), "/mcp"));
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
