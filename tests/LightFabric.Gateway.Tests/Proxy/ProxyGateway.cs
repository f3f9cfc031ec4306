using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Chains;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>A real light-gateway whose default chain is [correlation, proxy], over its own directory.</summary>
internal sealed class ProxyGateway : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private ProxyGateway(TempDirectory dir, LightRuntime<GatewayModel> runtime, HttpClient client)
    {
        _dir = dir;
        Runtime = runtime;
        Client = client;
    }

    public LightRuntime<GatewayModel> Runtime { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    /// <param name="proxyValues">proxy.* lines for values.yml.</param>
    public static async Task<ProxyGateway> StartAsync(string proxyValues)
    {
        var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $"""
            handler.handlers: [correlation, proxy]
            handler.defaultHandlers: [correlation, proxy]
            {proxyValues}
            """);
        client.Timeout = TimeSpan.FromSeconds(30);
        return new ProxyGateway(dir, runtime, client);
    }

    /// <summary>An http:// URL on 127.0.0.1 where nothing listens, so connecting is refused.</summary>
    public static string RefusingHost()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public static async Task<JsonObject> EchoAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    public static async Task<JsonObject> ErrorAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Runtime.DisposeAsync();
        _dir.Dispose();
    }
}
