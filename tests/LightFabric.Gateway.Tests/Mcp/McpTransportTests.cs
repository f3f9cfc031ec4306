using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>The /mcp Streamable HTTP contract: sessions, versions, HTTP status codes and JSON-RPC errors.</summary>
public sealed class McpTransportTests
{
    private const string OneTool = """
        mcp-router.tools:
          - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
        """;

    private static async Task<(IAsyncDisposable Runtime, HttpClient Client, McpWire Wire)> StartAsync(TempDirectory dir, string extra = "")
    {
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(OneTool + "\n" + extra));
        return (runtime, client, new McpWire(client));
    }

    [Theory]
    [InlineData("2025-03-26", "2025-03-26")]
    [InlineData("2025-06-18", "2025-06-18")]
    [InlineData("2025-11-25", "2025-11-25")]
    [InlineData("2099-01-01", "2025-11-25")]
    [InlineData("2024-11-05", "2024-11-05")]
    [InlineData("2024-10-07", "2025-11-25")]
    public async Task Initialize_answers_the_clients_version_or_the_newest_and_issues_a_session(string requested, string answered)
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir);
        await using var _ = runtime;
        using var __ = client;

        var reply = await wire.InitializeAsync(requested);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(answered, reply.Result!["protocolVersion"]!.GetValue<string>());
        Assert.Equal("light-gateway-mcp", reply.Result!["serverInfo"]!["name"]!.GetValue<string>());
        Assert.True(reply.Result!["capabilities"]!["tools"]!["listChanged"]!.GetValue<bool>());
        Assert.Equal(32, reply.Header("Mcp-Session-Id")!.Length);
        Assert.Equal(answered, reply.Header("MCP-Protocol-Version"));
    }

    [Fact]
    public async Task Sessions_are_required_known_and_end_with_delete()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir);
        await using var _ = runtime;
        using var __ = client;

        var missing = await wire.RequestAsync("tools/list");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(-32600, missing.ErrorCode);

        var unknown = await wire.RequestAsync("tools/list", sessionId: "0123456789abcdef0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("initialize", unknown.ErrorMessage);

        await wire.InitializeAsync();
        var ping = await wire.RequestAsync("ping");
        Assert.Equal(HttpStatusCode.OK, ping.Status);
        Assert.Equal("{}", ping.Result!.ToJsonString());

        var notification = await wire.NotifyAsync("notifications/initialized");
        Assert.Equal(HttpStatusCode.Accepted, notification.Status);
        Assert.Equal("", notification.Raw);

        var clientResponse = await wire.SendAsync("""{"jsonrpc":"2.0","id":"s-1","result":{}}""");
        Assert.Equal(HttpStatusCode.Accepted, clientResponse.Status);

        var deleted = await wire.SendAsync("", method: "DELETE");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);

        var afterDelete = await wire.RequestAsync("tools/list");
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.Status);
    }

    [Fact]
    public async Task The_session_id_is_also_accepted_from_the_query()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir);
        await using var _ = runtime;
        using var __ = client;
        await wire.InitializeAsync();

        var byQuery = new McpWire(client, "/mcp?sessionId=" + wire.SessionId);
        var reply = await byQuery.RequestAsync("ping");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task Bad_input_gets_clear_4xx_errors_never_500()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir, "mcp-router.maxRequestBodyBytes: 2048\nmcp-router.maxJsonDepth: 8");
        await using var _ = runtime;
        using var __ = client;
        await wire.InitializeAsync();

        var parse = await wire.SendAsync("{not json");
        Assert.Equal((HttpStatusCode.BadRequest, -32700), (parse.Status, parse.ErrorCode));

        var batch = await wire.SendAsync("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""");
        Assert.Equal((HttpStatusCode.BadRequest, -32600), (batch.Status, batch.ErrorCode));

        var noVersion = await wire.SendAsync("""{"id":1,"method":"ping"}""");
        Assert.Equal((HttpStatusCode.BadRequest, -32600), (noVersion.Status, noVersion.ErrorCode));

        var tooDeep = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}}""");
        Assert.Equal((HttpStatusCode.BadRequest, -32700), (tooDeep.Status, tooDeep.ErrorCode));
        Assert.Contains("maxJsonDepth", tooDeep.ErrorMessage);

        var tooLarge = await wire.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + new string('x', 4096) + "\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Contains("maxRequestBodyBytes", tooLarge.ErrorMessage);

        var wrongType = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.Status);

        var notAcceptable = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", accept: "text/html");
        Assert.Equal(HttpStatusCode.NotAcceptable, notAcceptable.Status);

        var put = await wire.SendAsync("", method: "PUT");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.Status);
        Assert.Contains("POST", put.Raw);

        var getWithoutStream = await wire.SendAsync("", method: "GET", accept: "application/json");
        Assert.Equal(HttpStatusCode.NotAcceptable, getWithoutStream.Status);

        var badVersion = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", headers: new Dictionary<string, string> { ["MCP-Protocol-Version"] = "1999-01-01" });
        Assert.Equal((HttpStatusCode.BadRequest, -32600), (badVersion.Status, badVersion.ErrorCode));

        var unknownMethod = await wire.RequestAsync("resources/teleport");
        Assert.Equal((HttpStatusCode.OK, -32601), (unknownMethod.Status, unknownMethod.ErrorCode));

        var noName = await wire.RequestAsync("tools/call", new JsonObject { ["arguments"] = new JsonObject() });
        Assert.Equal((HttpStatusCode.BadRequest, -32602), (noName.Status, noName.ErrorCode));

        var badArguments = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "health_check", ["arguments"] = "x" });
        Assert.Equal(-32602, badArguments.ErrorCode);

        var unknownTool = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "no_such_tool" });
        Assert.Equal(-32602, unknownTool.ErrorCode);
        Assert.Contains("no_such_tool", unknownTool.ErrorMessage);

        // The session still works after all of that.
        Assert.Equal(HttpStatusCode.OK, (await wire.RequestAsync("ping")).Status);
    }

    [Fact]
    public async Task Session_caps_answer_503_for_the_store_and_429_per_client()
    {
        using var dir = new TempDirectory();
        // The test client is the trusted proxy, so X-Forwarded-For makes the anonymous clients a, b and c.
        var (runtime, client, _) = await StartAsync(dir, "mcp-router.maxSessions: 3\nmcp-router.maxSessionsPerClient: 2\nmcp-router.trustedProxies: [127.0.0.1]");
        await using var __ = runtime;
        using var ___ = client;

        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(new McpWire(client), "10.0.0.1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(new McpWire(client), "10.0.0.1")).Status);
        var perClient = await InitializeFromAsync(new McpWire(client), "10.0.0.1");
        Assert.Equal(HttpStatusCode.TooManyRequests, perClient.Status);
        Assert.Null(perClient.Header("Mcp-Session-Id"));

        var third = new McpWire(client);
        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(third, "10.0.0.2")).Status);
        var full = await InitializeFromAsync(new McpWire(client), "10.0.0.3");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.Status);
        Assert.Contains("maxSessions", full.ErrorMessage);

        // Ending a session frees its place.
        await third.SendAsync("", method: "DELETE", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "10.0.0.2" });
        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(new McpWire(client), "10.0.0.3")).Status);
    }

    [Fact]
    public async Task Anonymous_clients_are_counted_by_address_not_by_the_clientInfo_they_choose()
    {
        using var dir = new TempDirectory();
        var (runtime, client, _) = await StartAsync(dir, "mcp-router.maxSessionsPerClient: 3");
        await using var __ = runtime;
        using var ___ = client;

        // One address, new clientInfo names each time, and X-Forwarded-For from a peer that is not a trusted proxy.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await new McpWire(client).InitializeAsync(clientName: "name-" + i)).Status);
        }

        var renamed = await new McpWire(client).InitializeAsync(clientName: "yet-another-name");
        Assert.Equal(HttpStatusCode.TooManyRequests, renamed.Status);
        var spoofed = await InitializeFromAsync(new McpWire(client), "192.0.2.77");
        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.Status);
        var spoofedForwarded = await new McpWire(client).SendAsync(InitializeBody,
            headers: new Dictionary<string, string> { ["Forwarded"] = "for=192.0.2.78" });
        Assert.Equal(HttpStatusCode.TooManyRequests, spoofedForwarded.Status);
    }

    [Fact]
    public async Task A_trusted_proxys_forwarded_clients_count_and_bind_separately()
    {
        using var dir = new TempDirectory();
        var (runtime, client, _) = await StartAsync(dir, "mcp-router.maxSessionsPerClient: 1\nmcp-router.trustedProxies: [10.9.0.0/16, 127.0.0.0/8]");
        await using var __ = runtime;
        using var ___ = client;

        var a = new McpWire(client);
        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(a, "198.51.100.1")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await InitializeFromAsync(new McpWire(client), "198.51.100.1")).Status);

        // Hops are read from the right past every trusted proxy; the RFC 7239 header is read too.
        Assert.Equal(HttpStatusCode.OK, (await InitializeFromAsync(new McpWire(client), "198.51.100.2, 10.9.1.1")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await InitializeFromAsync(new McpWire(client), "198.51.100.1, 10.9.1.1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await new McpWire(client).SendAsync(InitializeBody,
            headers: new Dictionary<string, string> { ["Forwarded"] = "for=\"[2001:db8::5]:4711\";proto=https" })).Status);

        // A session belongs to the client it was opened for: another forwarded client presenting it is refused.
        var stolen = await a.SendAsync(PingBody, headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.9" });
        Assert.Equal(HttpStatusCode.Forbidden, stolen.Status);
        Assert.Equal(HttpStatusCode.OK, (await a.SendAsync(PingBody, headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.1" })).Status);
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_an_address_is_a_config_problem()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With(OneTool + "\nmcp-router.trustedProxies: [10.0.0.0/8, proxy.internal]"));

        var failure = await GatewayTestHost.BuildFailsAsync(dir);

        Assert.Contains(failure.Problems, p => p.ToString().Contains("trustedProxies[1]") && p.ToString().Contains("proxy.internal"));
    }

    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"same","version":"1"}}}""";

    private const string PingBody = """{"jsonrpc":"2.0","id":2,"method":"ping"}""";

    private static async Task<McpReply> InitializeFromAsync(McpWire wire, string forwardedFor)
    {
        var reply = await wire.SendAsync(InitializeBody, headers: new Dictionary<string, string> { ["X-Forwarded-For"] = forwardedFor });
        if (reply.Header("Mcp-Session-Id") is { } id)
        {
            wire.SessionId = id;
        }

        return reply;
    }

    [Fact]
    public async Task Idle_sessions_expire_and_get_404()
    {
        using var dir = new TempDirectory();
        var clock = new TestClock();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(OneTool + "\nmcp-router.sessionIdleTimeoutMs: 15000"),
            o => o with { TimeProvider = clock });
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(HttpStatusCode.OK, (await wire.RequestAsync("ping")).Status);

        // Idle counts from the end of the last request.
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(HttpStatusCode.OK, (await wire.RequestAsync("ping")).Status);

        clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.NotFound, (await wire.RequestAsync("ping")).Status);
    }

    [Fact]
    public async Task A_client_accepting_only_event_streams_gets_one_sse_event()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir);
        await using var _ = runtime;
        using var __ = client;
        await wire.InitializeAsync();

        var reply = await wire.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", accept: "text/event-stream");

        Assert.Equal("text/event-stream", reply.ContentType);
        Assert.StartsWith("event: message\ndata: {", reply.Raw);
        Assert.Equal(7, reply.Message!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Tools_list_pages_with_next_cursor_and_rejects_a_bad_cursor()
    {
        using var dir = new TempDirectory();
        var tools = string.Join("\n", Enumerable.Range(1, 5).Select(i => $"  - {{name: tool_{i}, targetHost: \"http://127.0.0.1:9\", path: /t{i}, method: GET}}"));
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With("mcp-router.toolsPageSize: 2\nmcp-router.tools:\n" + tools));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var first = await wire.RequestAsync("tools/list");
        Assert.Equal(2, first.Result!["tools"]!.AsArray().Count);
        Assert.NotNull(first.Result!["nextCursor"]);
        Assert.Equal(["tool_1", "tool_2", "tool_3", "tool_4", "tool_5"], await wire.ListToolNamesAsync());

        var bad = await wire.RequestAsync("tools/list", new JsonObject { ["cursor"] = "not-a-cursor" });
        Assert.Equal(-32602, bad.ErrorCode);
    }

    [Fact]
    public async Task Sessions_survive_a_reload_and_open_streams_hear_that_the_tool_list_changed()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(OneTool));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        using var streamRequest = new HttpRequestMessage(HttpMethod.Get, "/mcp");
        streamRequest.Headers.Add("Accept", "text/event-stream");
        streamRequest.Headers.Add("Mcp-Session-Id", wire.SessionId);
        using var stream = await client.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);

        var second = await wire.SendAsync("", method: "GET", accept: "text/event-stream");
        Assert.Equal(HttpStatusCode.Conflict, second.Status);

        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With("""
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
              - {name: added_tool, targetHost: "http://127.0.0.1:9", path: /added, method: GET}
            """));
        var report = await runtime.ReloadAsync();
        Assert.True(report.Applied, string.Join("; ", report.Problems));

        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new StringBuilder();
        while (!received.ToString().Contains("notifications/tools/list_changed"))
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            received.AppendLine(line);
        }

        Assert.Contains("added_tool", await wire.ListToolNamesAsync());
    }

    [Fact]
    public async Task Dns_rebinding_protection_refuses_foreign_host_and_origin_on_loopback()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir, "mcp-router.allowedHosts: [gw.internal]");
        await using var _ = runtime;
        using var __ = client;
        const string Ping = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""";

        var foreignHost = await wire.SendAsync(Ping, headers: new Dictionary<string, string> { ["Host"] = "attacker.example" });
        Assert.Equal(HttpStatusCode.Forbidden, foreignHost.Status);
        Assert.Contains("allowedHosts", foreignHost.ErrorMessage);

        var foreignOrigin = await wire.SendAsync(Ping, headers: new Dictionary<string, string> { ["Origin"] = "http://attacker.example" });
        Assert.Equal(HttpStatusCode.Forbidden, foreignOrigin.Status);

        var allowed = await wire.SendAsync(Ping, headers: new Dictionary<string, string> { ["Host"] = "gw.internal", ["Origin"] = "https://gw.internal" });
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping, headers: new Dictionary<string, string> { ["Origin"] = "http://localhost:3000" })).Status);
    }

    [Fact]
    public async Task Dns_rebinding_protection_can_be_turned_off()
    {
        using var dir = new TempDirectory();
        var (runtime, client, wire) = await StartAsync(dir, "mcp-router.dnsRebindingProtection: off");
        await using var _ = runtime;
        using var __ = client;

        var reply = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""",
            headers: new Dictionary<string, string> { ["Host"] = "anything.example" });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }
}
