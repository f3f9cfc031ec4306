using System.Net;
using System.Text;
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

    [Fact]
    public async Task Origin_allowlist_admits_and_refuses_alike_on_streamable_http_and_legacy_sse()
    {
        using var dir = new TempDirectory();
        // DNS-rebinding protection off so that only originAllowlist decides about the Origin header.
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With("""
            mcp-router.dnsRebindingProtection: off
            mcp-router.originAllowlist: [https://good.example]
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
            """));
        await using var _ = runtime;
        using var __ = client;
        const string Good = "https://good.example";
        const string Evil = "https://evil.example";
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""";
        var wire = new McpWire(client);

        var evilPost = await wire.SendAsync(Initialize, headers: new Dictionary<string, string> { ["Origin"] = Evil });
        Assert.Equal(HttpStatusCode.Forbidden, evilPost.Status);
        Assert.Contains("originAllowlist", evilPost.ErrorMessage);
        Assert.Null(evilPost.Header("Mcp-Session-Id"));
        var goodPost = await wire.SendAsync(Initialize, headers: new Dictionary<string, string> { ["Origin"] = Good });
        Assert.Equal(HttpStatusCode.OK, goodPost.Status);

        using (var evilStream = await OpenLegacyStreamAsync(client, Evil))
        {
            Assert.Equal(HttpStatusCode.Forbidden, evilStream.StatusCode);
            Assert.Contains("originAllowlist", await evilStream.Content.ReadAsStringAsync());
        }

        using var goodStream = await OpenLegacyStreamAsync(client, Good);
        Assert.Equal(HttpStatusCode.OK, goodStream.StatusCode);
        using var reader = new StreamReader(await goodStream.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? messages = null;
        while (messages is null)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                messages = line[6..];
            }
        }

        Assert.StartsWith("/mcp/messages?sessionId=", messages);
        var evilMessage = await PostLegacyMessageAsync(client, messages, Evil);
        Assert.Equal(HttpStatusCode.Forbidden, evilMessage.StatusCode);
        Assert.Contains("originAllowlist", await evilMessage.Content.ReadAsStringAsync());
        var goodMessage = await PostLegacyMessageAsync(client, messages, Good);
        Assert.Equal(HttpStatusCode.Accepted, goodMessage.StatusCode);

        // The accepted ping is answered on the event stream, so the session really was served.
        var answered = new StringBuilder();
        while (!answered.ToString().Contains("\"id\":7", StringComparison.Ordinal))
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            answered.AppendLine(line);
        }
    }

    private static async Task<HttpResponseMessage> OpenLegacyStreamAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp/sse");
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<HttpResponseMessage> PostLegacyMessageAsync(HttpClient client, string messages, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, messages)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }
}
