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
        ["MCP-Protocol-Version"] = "2026-07-28", ["Mcp-Method"] = "tools/call", ["Mcp-Name"] = "echo",
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

        public Task<HttpResponseMessage> PostAsync(string body, string contentType = "application/json") =>
            _client.PostAsync(_messages, new StringContent(body, Encoding.UTF8, contentType));

        public ValueTask DisposeAsync()
        {
            _stream.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
