using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>The stateless 2026-07-28 revision on the same /mcp as session-based clients.</summary>
public sealed class StatelessRevisionTests
{
    private static string Request(string method, JsonObject? parameters = null, string version = "2026-07-28", bool capabilities = true)
    {
        parameters ??= [];
        var meta = new JsonObject { ["io.modelcontextprotocol/protocolVersion"] = version };
        if (capabilities)
        {
            meta["io.modelcontextprotocol/clientCapabilities"] = new JsonObject();
        }

        parameters["_meta"] = meta;
        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = parameters }.ToJsonString();
    }

    private static Dictionary<string, string> Headers(string method, string? name = null, string version = "2026-07-28")
    {
        var headers = new Dictionary<string, string> { ["MCP-Protocol-Version"] = version, ["Mcp-Method"] = method };
        if (name is not null)
        {
            headers["Mcp-Name"] = name;
        }

        return headers;
    }

    [Fact]
    public async Task Discover_list_and_call_without_a_session_beside_session_clients()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.protocols.stateless.enabled: true
            mcp-router.servers:
              - name: local
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);

        var discover = await wire.SendAsync(Request("server/discover"), headers: Headers("server/discover"));
        Assert.Equal(HttpStatusCode.OK, discover.Status);
        Assert.Null(discover.Header("Mcp-Session-Id"));
        var versions = discover.Result!["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Equal(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"], versions);
        Assert.NotNull(discover.Result!["capabilities"]!["tools"]);

        var list = await wire.SendAsync(Request("tools/list"), headers: Headers("tools/list"));
        Assert.Contains(list.Result!["tools"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "echo");
        Assert.Equal("complete", list.Result!["resultType"]!.GetValue<string>());

        var call = await wire.SendAsync(
            Request("tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "stateless" } }),
            headers: Headers("tools/call", "echo"));
        Assert.Equal("Echo: stateless", McpWire.FirstText((JsonObject)call.Result!));
        Assert.Equal("complete", call.Result!["resultType"]!.GetValue<string>());

        // A session client on the same endpoint is unaffected, and asking initialize for 2026-07-28 gets 2025-11-25.
        var init = await wire.InitializeAsync("2026-07-28");
        Assert.Equal("2025-11-25", init.Result!["protocolVersion"]!.GetValue<string>());
        Assert.Equal("Echo: session", McpWire.FirstText(await wire.CallToolAsync("echo", new JsonObject { ["message"] = "session" })));
    }

    [Fact]
    public async Task Header_and_meta_mismatches_get_the_revisions_errors()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With("""
            mcp-router.protocols.stateless.enabled: true
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);

        var wrongMethod = await wire.SendAsync(Request("tools/list"), headers: Headers("tools/call"));
        Assert.Equal((HttpStatusCode.BadRequest, -32020), (wrongMethod.Status, wrongMethod.ErrorCode));

        var wrongName = await wire.SendAsync(Request("tools/call", new JsonObject { ["name"] = "health_check" }), headers: Headers("tools/call", "other"));
        Assert.Equal(-32020, wrongName.ErrorCode);

        var missingName = await wire.SendAsync(Request("tools/call", new JsonObject { ["name"] = "health_check" }), headers: Headers("tools/call"));
        Assert.Equal(-32020, missingName.ErrorCode);

        var headerVersion = await wire.SendAsync(Request("tools/list"), headers: Headers("tools/list", version: "2025-11-25"));
        Assert.Equal(-32020, headerVersion.ErrorCode);

        var future = await wire.SendAsync(Request("tools/list", version: "2099-01-01"), headers: Headers("tools/list", version: "2099-01-01"));
        Assert.Equal((HttpStatusCode.BadRequest, -32022), (future.Status, future.ErrorCode));
        Assert.Contains("2026-07-28", future.Message!["error"]!["data"]!["supported"]!.ToJsonString());

        var noCapabilities = await wire.SendAsync(Request("tools/list", capabilities: false), headers: Headers("tools/list"));
        Assert.Equal(-32602, noCapabilities.ErrorCode);

        var removed = await wire.SendAsync(Request("ping"), headers: Headers("ping"));
        Assert.Equal(-32601, removed.ErrorCode);
    }

    [Fact]
    public async Task Without_the_switch_stateless_requests_need_a_session_and_discover_is_unknown()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With("""
            mcp-router.protocols.stateless.enabled: false
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);

        var stateless = await wire.SendAsync(Request("tools/list"), headers: Headers("tools/list"));
        Assert.Equal((HttpStatusCode.BadRequest, -32600), (stateless.Status, stateless.ErrorCode));

        await wire.InitializeAsync();
        Assert.Equal(-32601, (await wire.RequestAsync("server/discover")).ErrorCode);
    }

    [Fact]
    public async Task A_listen_stream_is_acknowledged_and_hears_tool_list_changes_tagged_with_its_id()
    {
        using var dir = new TempDirectory();
        const string Tools = """
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
            """;
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Tools));
        await using var _ = runtime;
        using var __ = client;

        using var listen = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                Request("subscriptions/listen", new JsonObject { ["notifications"] = new JsonObject { ["toolsListChanged"] = true } })
                    .Replace("\"id\":1", "\"id\":\"listen-9\"", StringComparison.Ordinal),
                System.Text.Encoding.UTF8, "application/json"),
        };
        listen.Headers.TryAddWithoutValidation("Accept", McpWire.BothAccept);
        foreach (var (name, value) in Headers("subscriptions/listen"))
        {
            listen.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(listen, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        async Task<JsonObject> NextEventAsync()
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token);
                Assert.NotNull(line);
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return JsonNode.Parse(line[6..])!.AsObject();
                }
            }
        }

        var ack = await NextEventAsync();
        Assert.Equal("notifications/subscriptions/acknowledged", ack["method"]!.GetValue<string>());
        Assert.True(ack["params"]!["notifications"]!["toolsListChanged"]!.GetValue<bool>());
        Assert.Equal("listen-9", ack["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!.GetValue<string>());

        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With(Tools + "\n  - {name: added_tool, targetHost: \"http://127.0.0.1:9\", path: /added, method: GET}"));
        Assert.True((await runtime.ReloadAsync()).Applied);

        var changed = await NextEventAsync();
        Assert.Equal("notifications/tools/list_changed", changed["method"]!.GetValue<string>());
        Assert.Equal("listen-9", changed["params"]!["_meta"]!["io.modelcontextprotocol/subscriptionId"]!.GetValue<string>());
    }
}
