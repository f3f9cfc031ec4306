using LightFabric.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>Old clients on the 2024-11-05 HTTP+SSE transport (GET /mcp/sse, POST /mcp/messages) beside Streamable HTTP ones.</summary>
public sealed class LegacySseTransportTests
{
    [Fact]
    public async Task A_legacy_sse_client_and_a_streamable_http_client_use_the_same_gateway()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.servers:
              - name: local
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
            """));
        await using var _ = runtime;
        using var __ = client;

        await using var legacy = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(client.BaseAddress!, "/mcp/sse"),
            TransportMode = HttpTransportMode.Sse,
        }));
        await using var modern = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(client.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }));

        Assert.Contains(await legacy.ListToolsAsync(), t => t.Name == "echo");
        var fromLegacy = await legacy.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "old client" });
        var fromModern = await modern.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "new client" });

        Assert.Equal("Echo: old client", fromLegacy.Content.OfType<TextContentBlock>().Single().Text);
        Assert.Equal("Echo: new client", fromModern.Content.OfType<TextContentBlock>().Single().Text);
        Assert.Equal("light-gateway-mcp", legacy.ServerInfo?.Name);
    }
}
