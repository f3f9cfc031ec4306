using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>
/// Malformed messages on every MCP path (Streamable HTTP with a session, stateless 2026-07-28, legacy /messages) are
/// refused with HTTP 400 and the JSON-RPC error that names what and where, and leave the gateway and its upstreams working.
/// </summary>
public sealed class MalformedInputTests
{
    private const string HttpToolOnly = """
        mcp-router.tools:
          - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
        """;

    private static string Config => McpGatewayConfig.With($$"""
        mcp-router.tools:
          - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
        mcp-router.servers:
          - name: local
            transport: stdio
            command: ["{{McpPeers.Instance.NodePath}}", "{{McpPeers.Instance.EverythingServerScript}}", stdio]
        """);

    private static readonly Dictionary<string, string> StatelessCall = new()
    {
        ["MCP-Protocol-Version"] = "2026-07-28",
        ["Mcp-Method"] = "tools/call",
        ["Mcp-Name"] = "echo",
    };

    private const string StatelessMeta =
        "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}";

    [Fact]
    public async Task Lone_surrogate_escapes_are_refused_at_parse_on_every_path_and_the_upstream_keeps_serving()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Config);
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        // (body, code, where) — the text of each body is JSON with a \uD800-\uDFFF escape that has no pair.
        (string Body, int Code, string Where)[] cases =
        [
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"\ud800"}}}""", -32602, "params.arguments.message"),
            ("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"health_check","arguments":{"q":"a\udc00b"}}}""", -32602, "params.arguments.q"),
            ("""{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"test://static/resource/\ud83d"}}""", -32602, "params.uri"),
            ("""{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"simple-prompt","arguments":{"x":"\ud800\u0041"}}}""", -32602, "params.arguments.x"),
            ("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"list":["ok","\udfff"]}}}""", -32602, "params.arguments.list[1]"),
            ("""{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"echo","arguments":{"\ud800":"key"}}}""", -32602, "params.arguments (a member name)"),
            ("""{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""", -32700, "id"),
            ("""{"jsonrpc":"2.0","id":8,"method":"pi\ud800ng"}""", -32700, "method"),
        ];
        foreach (var (body, code, where) in cases)
        {
            var reply = await wire.SendAsync(body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest && reply.ErrorCode == code, $"{body} → {(int)reply.Status} {reply.Raw}");
            Assert.Contains(where, reply.ErrorMessage);
            Assert.Contains("lone surrogate", reply.ErrorMessage);
        }

        // The answer keeps the request's id when the problem is inside params.
        var withId = await wire.SendAsync(cases[0].Body);
        Assert.Equal(1, withId.Message!["id"]!.GetValue<int>());

        var stateless = await new McpWire(client).SendAsync(
            """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"message":"\ud800"},""" + StatelessMeta + "}}",
            headers: StatelessCall);
        Assert.True(stateless is { Status: HttpStatusCode.BadRequest, ErrorCode: -32602 }, stateless.Raw);
        Assert.Contains("params.arguments.message", stateless.ErrorMessage);

        await using (var legacy = await LegacySession.OpenAsync(client))
        {
            var legacyReply = await legacy.PostAsync("""{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"message":"\ud800"}}}""");
            Assert.Equal(HttpStatusCode.BadRequest, legacyReply.StatusCode);
            Assert.Contains("params.arguments.message", await legacyReply.Content.ReadAsStringAsync());
        }

        // A well-formed pair and the character itself pass; the shared stdio upstream still answers.
        var pair = await wire.CallToolAsync("echo", JsonNode.Parse("""{"message":"\ud83d\ude00 😀"}""")!.AsObject());
        Assert.Equal("Echo: 😀 😀", McpWire.FirstText(pair));
    }

    [Fact]
    public async Task Duplicate_members_and_params_of_the_wrong_shape_get_400_with_what_and_where_never_500()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(HttpToolOnly));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        (string Body, int Code, string Says)[] cases =
        [
            ("""{"jsonrpc":"2.0","id":1,"method":"ping","id":2}""", -32600, "the message has the member \"id\" twice"),
            ("""{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/list"}""", -32600, "\"method\" twice"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","arguments":{"a":1,"b":{"c":1,"c":2}}}}""", -32602, "params.arguments.b has the member \"c\" twice"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["health_check"]}""", -32602, "params must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""", -32602, "params.name must be a non-empty string"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","arguments":[1]}}""", -32602, "params.arguments must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","_meta":[]}}""", -32602, "params._meta must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"health_check","_meta":{"progressToken":{"a":1}}}}""", -32602, "params._meta.progressToken"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":5}}""", -32602, "params.cursor must be a string"),
            ("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":{"x":1}}}""", -32602, "params.uri must be a string"),
            ("""{"jsonrpc":"2.0","id":1,"method":"resources/read"}""", -32602, "resources/read needs params.uri"),
            ("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p","arguments":"x"}}""", -32602, "params.arguments must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":"x","argument":{}}}""", -32602, "params.ref must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":1},"argument":{}}}""", -32602, "params.ref.type must be a string"),
            ("""{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":["debug"]}}""", -32602, "params.level must be a string"),
            ("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"id":1}}}""", -32602, "params.requestId must be a string or an integer"),
            ("""{"jsonrpc":"2.0","method":"notifications/initialized","params":[]}""", -32602, "params must be an object"),
        ];
        foreach (var (body, code, says) in cases)
        {
            var reply = await wire.SendAsync(body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest && reply.ErrorCode == code, $"{body} → {(int)reply.Status} {reply.Raw}");
            Assert.Contains(says, reply.ErrorMessage);
        }

        // Stateless 2026-07-28 requests: params must be an object and so must _meta and what it carries.
        var stateless = new McpWire(client);
        var headers = new Dictionary<string, string> { ["MCP-Protocol-Version"] = "2026-07-28", ["Mcp-Method"] = "tools/list" };
        (string Body, string Says)[] statelessCases =
        [
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[{"_meta":{}}]}""", "params must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":"2026-07-28"}}""", "params._meta must be an object"),
            ("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":"me"}}}""", "clientInfo\"] must be an object"),
        ];
        foreach (var (body, says) in statelessCases)
        {
            var reply = await stateless.SendAsync(body, headers: headers);
            Assert.True(reply is { Status: HttpStatusCode.BadRequest, ErrorCode: -32602 }, $"{body} → {(int)reply.Status} {reply.Raw}");
            Assert.Contains(says, reply.ErrorMessage);
        }

        Assert.Equal(HttpStatusCode.OK, (await wire.RequestAsync("ping")).Status);
    }

    [Fact]
    public async Task Bodies_that_are_not_utf8_and_other_charsets_are_refused_on_both_transports()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(HttpToolOnly));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        // 0xFF never occurs in UTF-8; C0 AF is an overlong '/'; E2 82 is a sequence cut short; ED A0 80 an encoded surrogate.
        (byte[] Bad, int At)[] bodies =
        [
            (Utf8Around(PingWithX, [0xFF], "\"}}"), 55),
            (Utf8Around(PingWithX, [0xC0, 0xAF], "\"}}"), 55),
            (Utf8Around(PingWithX, [0xE2, 0x82], "\"}}"), 55),
            (Utf8Around(PingWithX, [0xED, 0xA0, 0x80], "\"}}"), 55),
        ];
        foreach (var (bad, at) in bodies)
        {
            using var content = new ByteArrayContent(bad);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = content };
            request.Headers.Add("Mcp-Session-Id", wire.SessionId);
            request.Headers.TryAddWithoutValidation("Accept", McpWire.BothAccept);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && text.Contains("-32700") && text.Contains($"not valid UTF-8 at byte {at}"),
                $"{Convert.ToHexString(bad)} → {(int)response.StatusCode} {text}");
        }

        const string Ping = """{"jsonrpc":"2.0","id":1,"method":"ping"}""";
        foreach (var refused in (string[])["application/json; charset=utf-16", "application/json;charset=UTF-16LE", "application/json; charset=\"iso-8859-1\""])
        {
            var reply = await wire.SendAsync(Ping, contentType: refused);
            Assert.True(reply.Status == HttpStatusCode.UnsupportedMediaType && reply.ErrorMessage!.Contains("UTF-8"), $"{refused} → {reply.Raw}");
        }

        foreach (var accepted in (string[])["application/json", "application/json; charset=utf-8", "Application/JSON; Charset=\"UTF-8\""])
        {
            Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping, contentType: accepted)).Status);
        }

        await using var legacy = await LegacySession.OpenAsync(client);
        using (var legacyCharset = await legacy.PostAsync(Ping, "application/json; charset=utf-16"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, legacyCharset.StatusCode);
        }

        using var legacyBytes = new ByteArrayContent(bodies[0].Bad);
        legacyBytes.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var legacyReply = await client.PostAsync(legacy.MessagesPath, legacyBytes);
        Assert.Equal(HttpStatusCode.BadRequest, legacyReply.StatusCode);
        Assert.Contains("not valid UTF-8 at byte 55", await legacyReply.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_protocol_version_header_other_than_the_negotiated_one_is_refused_and_an_absent_one_assumes_it()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(HttpToolOnly));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync("2025-06-18");
        const string Ping = """{"jsonrpc":"2.0","id":1,"method":"ping"}""";
        Dictionary<string, string> Version(string v) => new() { ["MCP-Protocol-Version"] = v };

        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping)).Status);
        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping, headers: Version("2025-06-18"))).Status);

        var other = await wire.SendAsync(Ping, headers: Version("2025-11-25"));
        Assert.Equal((HttpStatusCode.BadRequest, -32600), (other.Status, other.ErrorCode));
        Assert.Contains("'2025-11-25'", other.ErrorMessage);
        Assert.Contains("'2025-06-18'", other.ErrorMessage);

        // 2025-03-26, what the specification assumes without a header, is taken like no header.
        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping, headers: Version("2025-03-26"))).Status);

        var stream = await wire.SendAsync("", method: "GET", accept: "text/event-stream", headers: Version("2025-11-25"));
        Assert.Equal(HttpStatusCode.BadRequest, stream.Status);
        var delete = await wire.SendAsync("", method: "DELETE", headers: Version("2024-11-05"));
        Assert.Equal(HttpStatusCode.BadRequest, delete.Status);

        // Nothing was changed by the refusals: the session is still there.
        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Ping, headers: Version("2025-06-18"))).Status);
    }

    private const string PingWithX = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"";

    private static byte[] Utf8Around(string before, byte[] middle, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];

    /// <summary>A 2024-11-05 HTTP+SSE session: the stream stays open while messages are posted.</summary>
    private sealed class LegacySession : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly HttpResponseMessage _stream;
        private readonly string _messages;

        private LegacySession(HttpClient client, HttpResponseMessage stream, string messages) =>
            (_client, _stream, _messages) = (client, stream, messages);

        public static async Task<LegacySession> OpenAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp/sse");
            request.Headers.Add("Accept", "text/event-stream");
            var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token);
                Assert.NotNull(line);
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return new LegacySession(client, stream, line[6..]);
                }
            }
        }

        public string MessagesPath => _messages;

        public Task<HttpResponseMessage> PostAsync(string body, string contentType = "application/json")
        {
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            return _client.PostAsync(_messages, content);
        }

        public ValueTask DisposeAsync()
        {
            _stream.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
