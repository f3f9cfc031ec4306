using System.Text;
using System.Text.Json.Nodes;

namespace LightFabric.EndToEnd.Tests.Fuzz;

/// <summary>
/// Seeded generator of malformed requests against every endpoint of a gateway: MCP messages broken at the byte,
/// JSON, JSON-RPC and MCP level, sent with a valid session, with a wrong one, without one and as stateless
/// 2026-07-28 requests; HTTP-level mistakes (methods, media types, charsets, protocol headers); the legacy SSE
/// message endpoint; the proxy and health routes; and raw framing errors a client library would refuse to send.
/// </summary>
internal sealed class MalformedRequestGenerator(int seed, string sessionId, string legacySessionId)
{
    private const string Stateless = "2026-07-28";
    private const string MetaVersionKey = "io.modelcontextprotocol/protocolVersion";
    private const string MetaCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";

    /// <summary>Stands for a lone surrogate escape in a value built as a JsonNode (which cannot hold one); replaced in the text.</summary>
    private const string LoneSurrogate = "LONE-SURROGATE";

    private static readonly string[] ToolNames = ["echo", "get-sum", "weather", "no-such-tool", "", LoneSurrogate];

    private static readonly string[] Surrogates = [@"\ud800", @"\udfff", @"\ud800x", @"a\udc00b", @"\ud83d", @"\ude00\ud83d"];

    private static readonly string[] OddJsonValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e999", "-0", "123456789012345678901234567890", "\"\"", "\"x\"",
        "[]", "[1,2]", "{}", "{\"a\":1}", "\"\\u0000\"", "[[[[[[[[[[]]]]]]]]]]",
    ];

    private readonly Random _random = new(seed);
    private int _id;

    public IEnumerable<FuzzRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    private FuzzRequest Next() => _random.Next(100) switch
    {
        < 40 => MutatedMessage(),
        < 55 => WrongShapeMessage(),
        < 65 => HeaderMistake(),
        < 72 => OtherMethodOrPath(),
        < 80 => LegacyMessage(),
        < 86 => ProxyOrHealth(),
        _ => RawFraming(),
    };

    // ---- valid messages, then broken ------------------------------------------------------------------------

    private JsonObject ValidMessage()
    {
        var id = ++_id;
        return _random.Next(14) switch
        {
            0 => Request(id, "initialize", new JsonObject
            {
                ["protocolVersion"] = Pick("2025-06-18", "2025-03-26", "2024-11-05", "2025-11-25"),
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "fuzz", ["version"] = "1" },
            }),
            1 => Request(id, "tools/list", _random.Next(2) == 0 ? null : new JsonObject { ["cursor"] = "c" + _random.Next(10) }),
            2 or 3 => Request(id, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "hi" } }),
            4 => Request(id, "tools/call", new JsonObject { ["name"] = "get-sum", ["arguments"] = new JsonObject { ["a"] = 1, ["b"] = 2 } }),
            5 => Request(id, "tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "Oslo" } }),
            6 => Request(id, "resources/read", new JsonObject { ["uri"] = "demo://resource/static/document/architecture.md" }),
            7 => Request(id, "resources/list", null),
            8 => Request(id, "prompts/get", new JsonObject { ["name"] = "simple-prompt", ["arguments"] = new JsonObject() }),
            9 => Request(id, "completion/complete", new JsonObject
            {
                ["ref"] = new JsonObject { ["type"] = "ref/prompt", ["name"] = "complex_prompt" },
                ["argument"] = new JsonObject { ["name"] = "temperature", ["value"] = "1" },
            }),
            10 => Request(id, "logging/setLevel", new JsonObject { ["level"] = "info" }),
            11 => Request(id, "resources/subscribe", new JsonObject { ["uri"] = "demo://resource/static/document/architecture.md" }),
            12 => new JsonObject { ["jsonrpc"] = "2.0", ["method"] = Pick("notifications/initialized", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed"), ["params"] = new JsonObject { ["requestId"] = 1 } },
            _ => new JsonObject { ["jsonrpc"] = "2.0", ["id"] = _random.Next(5), ["result"] = new JsonObject() },
        };
    }

    private static JsonObject Request(int id, string method, JsonObject? parameters)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return message;
    }

    /// <summary>A valid message, then broken at the byte or text level.</summary>
    private FuzzRequest MutatedMessage()
    {
        var message = ValidMessage();
        var text = message.ToJsonString();
        string description;
        byte[] body;
        switch (_random.Next(11))
        {
            case 0:
                description = "truncated";
                body = Encoding.UTF8.GetBytes(text[.._random.Next(text.Length)]);
                break;
            case 1:
                description = "flipped byte";
                body = Encoding.UTF8.GetBytes(text);
                body[_random.Next(body.Length)] = (byte)_random.Next(256);
                break;
            case 2:
                description = "invalid UTF-8 inside a string";
                body = InsertInsideString(text, Pick(new byte[] { 0xFF }, [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]));
                break;
            case 3:
                description = "lone surrogate escape";
                body = Encoding.UTF8.GetBytes(ReplaceAStringValue(text, Pick(Surrogates)));
                break;
            case 4:
                description = "duplicate key";
                var key = Pick("id", "method", "jsonrpc", "params");
                body = Encoding.UTF8.GetBytes(text.TrimEnd('}') + $",\"{key}\":" + Pick("2", "\"ping\"", "\"2.0\"", "{}") + "}");
                break;
            case 5:
                description = "batch";
                body = Encoding.UTF8.GetBytes(Pick($"[{text}]", $"[{text},{text}]", "[]", "[1]"));
                break;
            case 6:
                description = "odd top-level value";
                body = Encoding.UTF8.GetBytes(Pick(OddJsonValues.Concat(["", " ", "\n", "{", "}", "{\"jsonrpc\":\"2.0\"}", "\uFEFF" + text]).ToArray()));
                break;
            case 7:
                description = "deep nesting";
                var depth = Pick(70, 200, 1000, 5000);
                var open = _random.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
                body = Encoding.UTF8.GetBytes(
                    $"{{\"jsonrpc\":\"2.0\",\"id\":{++_id},\"method\":\"tools/call\",\"params\":{{\"name\":\"echo\",\"arguments\":{{\"message\":{nested}}}}}}}");
                break;
            case 8:
                description = "odd numbers and ids";
                message["id"] = JsonNode.Parse(Pick("1e999", "1.5", "-0", "123456789012345678901234567890", "true", "null", "{}", "[]", "\"\""));
                body = Encoding.UTF8.GetBytes(message.ToJsonString().Replace("Infinity", "1e999"));
                break;
            case 9:
                description = "control characters and escapes";
                body = Encoding.UTF8.GetBytes(ReplaceAStringValue(text, Pick(@"\u0000", "\u0001", "\t", @"\x41", @"\u12", @"\", "\"")));
                break;
            default:
                description = "large string";
                message["params"] ??= new JsonObject();
                if (message["params"] is JsonObject p)
                {
                    p["arguments"] = new JsonObject { ["message"] = new string('x', Pick(10_000, 200_000)) };
                }

                body = Encoding.UTF8.GetBytes(message.ToJsonString());
                break;
        }

        return Post(description, body, message["method"]?.GetValue<string>());
    }

    /// <summary>A JSON-RPC message that parses but has a member of the wrong type or shape.</summary>
    private FuzzRequest WrongShapeMessage()
    {
        var message = ValidMessage();
        var odd = JsonNode.Parse(Pick(OddJsonValues));
        string description;
        switch (_random.Next(9))
        {
            case 0:
                description = "params of the wrong type";
                message["params"] = odd is JsonObject ? new JsonArray() : odd;
                break;
            case 1:
                description = "_meta of the wrong type";
                message["params"] ??= new JsonObject();
                if (message["params"] is JsonObject p1)
                {
                    p1["_meta"] = odd is JsonObject ? JsonNode.Parse("[1]") : odd;
                }

                break;
            case 2:
                description = "jsonrpc of the wrong value";
                message["jsonrpc"] = JsonNode.Parse(Pick("\"1.0\"", "2", "null", "\"\"", "{}"));
                break;
            case 3:
                description = "method of the wrong type";
                message["method"] = JsonNode.Parse(Pick("1", "null", "{}", "[]", "\"\"", "\"tools/\"", "\"rpc.x\"", "\"" + new string('m', 5000) + "\""));
                break;
            case 4:
                description = "tool name or arguments of the wrong type";
                message["method"] = "tools/call";
                message["params"] = new JsonObject
                {
                    ["name"] = _random.Next(3) == 0 ? JsonNode.Parse(Pick(OddJsonValues)) : Pick(ToolNames),
                    ["arguments"] = _random.Next(2) == 0 ? JsonNode.Parse(Pick(OddJsonValues)) : new JsonObject { ["message"] = JsonNode.Parse(Pick(OddJsonValues)), ["a"] = JsonNode.Parse(Pick(OddJsonValues)), ["city"] = JsonNode.Parse(Pick(OddJsonValues)) },
                };
                if (_random.Next(3) == 0)
                {
                    ((JsonObject)message["params"]!)["_meta"] = new JsonObject { ["progressToken"] = JsonNode.Parse(Pick(OddJsonValues)) };
                }

                break;
            case 5:
                description = "resource uri of the wrong type";
                message["method"] = Pick("resources/read", "resources/subscribe", "resources/unsubscribe");
                message["params"] = new JsonObject { ["uri"] = _random.Next(2) == 0 ? JsonNode.Parse(Pick(OddJsonValues)) : Pick("", "demo://nope", "file:///etc/passwd", "::::", "demo://resource/static/document/../../x") };
                break;
            case 6:
                description = "prompt or completion of the wrong shape";
                message["method"] = Pick("prompts/get", "completion/complete");
                message["params"] = new JsonObject
                {
                    ["name"] = JsonNode.Parse(Pick(OddJsonValues)),
                    ["arguments"] = JsonNode.Parse(Pick(OddJsonValues)),
                    ["ref"] = JsonNode.Parse(Pick(OddJsonValues.Concat(["{\"type\":\"ref/prompt\"}", "{\"type\":\"ref/resource\",\"uri\":1}", "{\"type\":7}"]).ToArray())),
                    ["argument"] = JsonNode.Parse(Pick(OddJsonValues.Concat(["{\"name\":1,\"value\":{}}"]).ToArray())),
                };
                break;
            case 7:
                description = "initialize of the wrong shape";
                message["method"] = "initialize";
                message["params"] = new JsonObject
                {
                    ["protocolVersion"] = JsonNode.Parse(Pick(OddJsonValues.Concat(["\"2099-01-01\"", "\"2025-06-18\""]).ToArray())),
                    ["capabilities"] = JsonNode.Parse(Pick(OddJsonValues)),
                    ["clientInfo"] = JsonNode.Parse(Pick(OddJsonValues.Concat(["{\"name\":1}", "{\"name\":\"" + LoneSurrogate + "\"}"]).ToArray())),
                };
                break;
            default:
                description = "log level, cursor or cancel of the wrong type";
                message["method"] = Pick("logging/setLevel", "tools/list", "resources/list", "prompts/list", "notifications/cancelled", "ping", "resources/templates/list");
                message["params"] = new JsonObject { ["level"] = JsonNode.Parse(Pick(OddJsonValues)), ["cursor"] = JsonNode.Parse(Pick(OddJsonValues)), ["requestId"] = JsonNode.Parse(Pick(OddJsonValues)) };
                break;
        }

        return Post(description, Encoding.UTF8.GetBytes(message.ToJsonString().Replace(LoneSurrogate, @"\ud800", StringComparison.Ordinal)), message["method"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : null);
    }

    /// <summary>POST /mcp with one of the ways a client names its session (or none), at random.</summary>
    private FuzzRequest Post(string description, byte[] body, string? method)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Accept", Pick("application/json, text/event-stream", "application/json, text/event-stream", "text/event-stream, application/json")),
            new("Content-Type", "application/json"),
        };
        switch (_random.Next(5))
        {
            case 0 or 1:
                headers.Add(new("Mcp-Session-Id", sessionId));
                description += " (session)";
                break;
            case 2:
                headers.Add(new("MCP-Protocol-Version", Stateless));
                headers.Add(new("Mcp-Method", method ?? "tools/call"));
                headers.Add(new("Mcp-Name", Pick(ToolNames)));
                body = WithStatelessMeta(body);
                description += " (stateless)";
                break;
            case 3:
                headers.Add(new("Mcp-Session-Id", Pick("nope", new string('a', 300), Guid.NewGuid().ToString("N"), "")));
                description += " (unknown session)";
                break;
            default:
                description += " (no session)";
                break;
        }

        return new FuzzRequest(description, "POST", "/mcp", headers, body);
    }

    /// <summary>Adds the stateless revision's _meta to a body that still parses as an object with params; leaves others alone.</summary>
    private static byte[] WithStatelessMeta(byte[] body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject message && message["params"] is JsonObject or null)
            {
                var parameters = message["params"] as JsonObject ?? [];
                message["params"] = null;
                parameters["_meta"] ??= new JsonObject
                {
                    [MetaVersionKey] = Stateless,
                    [MetaCapabilitiesKey] = new JsonObject(),
                };
                message["params"] = parameters;
                return Encoding.UTF8.GetBytes(message.ToJsonString());
            }
        }
        catch (Exception)
        {
            // Not parseable by a lenient parser either: sent as it is.
        }

        return body;
    }

    // ---- HTTP-level mistakes on /mcp ------------------------------------------------------------------------

    private FuzzRequest HeaderMistake()
    {
        var body = Encoding.UTF8.GetBytes(Request(++_id, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "h" } }).ToJsonString());
        var headers = new List<KeyValuePair<string, string>>();
        string description;
        switch (_random.Next(7))
        {
            case 0:
                description = "content type";
                headers.Add(new("Content-Type", Pick("text/plain", "application/json; charset=utf-16", "application/json; charset=UTF-16LE", "application/json; charset=latin1",
                    "application/json;;;", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=\"utf-8\"", "*/*", "application/jsonx")));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("Mcp-Session-Id", sessionId));
                break;
            case 1:
                description = "utf-16 body";
                headers.Add(new("Content-Type", "application/json; charset=utf-16"));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("Mcp-Session-Id", sessionId));
                body = Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(body));
                break;
            case 2:
                description = "accept";
                headers.Add(new("Content-Type", "application/json"));
                headers.Add(new("Accept", Pick("text/html", "application/json", "text/event-stream", "*/*", "", "application/xml;q=1, text/event-stream;q=0")));
                headers.Add(new("Mcp-Session-Id", sessionId));
                break;
            case 3:
                description = "protocol version header";
                headers.Add(new("Content-Type", "application/json"));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("Mcp-Session-Id", sessionId));
                headers.Add(new("MCP-Protocol-Version", Pick("2099-01-01", "2024-11-05", "2026-07-28", "", "garbage", "2025-06-18, 2025-03-26")));
                break;
            case 4:
                description = "stateless headers that differ from the body";
                headers.Add(new("Content-Type", "application/json"));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("MCP-Protocol-Version", Pick(Stateless, "2099-01-01", "")));
                headers.Add(new("Mcp-Method", Pick("tools/list", "", "tools/call")));
                headers.Add(new("Mcp-Name", Pick("other", "", "echo")));
                body = WithStatelessMeta(body);
                break;
            case 5:
                description = "origin";
                headers.Add(new("Content-Type", "application/json"));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("Origin", Pick("http://evil.example", "null", "http://127.0.0.1.evil.example", "file://", "http://[::1]:1")));
                break;
            default:
                description = "session header forms";
                headers.Add(new("Content-Type", "application/json"));
                headers.Add(new("Accept", "application/json, text/event-stream"));
                headers.Add(new("Mcp-Session-Id", Pick(sessionId + "x", sessionId.ToUpperInvariant(), " " + sessionId, sessionId + "," + sessionId)));
                break;
        }

        return new FuzzRequest(description, "POST", "/mcp", headers, body);
    }

    private FuzzRequest OtherMethodOrPath()
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (_random.Next(2) == 0)
        {
            headers.Add(new("Mcp-Session-Id", Pick(sessionId, "nope")));
        }

        switch (_random.Next(6))
        {
            case 0:
                headers.Add(new("Accept", Pick("text/event-stream", "application/json", "*/*")));
                if (_random.Next(2) == 0)
                {
                    headers.Add(new("Last-Event-ID", Pick("x", "999999", "", "-1", new string('9', 100))));
                }

                // A GET that would open the session's stream is cut short by the client's timeout below.
                return new FuzzRequest("GET /mcp", "GET", "/mcp" + Pick("", "?x=%zz", "?sessionId=nope"), headers, null);
            case 1:
                return new FuzzRequest("DELETE /mcp", "DELETE", "/mcp", [new("Mcp-Session-Id", Pick("nope", "", Guid.NewGuid().ToString("N")))], null);
            case 2:
                return new FuzzRequest("other method", Pick("PUT", "PATCH", "OPTIONS", "HEAD", "TRACE"), "/mcp",
                    [new("Content-Type", "application/json"), new("Origin", Pick("http://localhost:3000", "http://evil.example")), new("Access-Control-Request-Method", Pick("POST", "DELETE", "FOO"))],
                    Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
            case 3:
                return new FuzzRequest("odd path", Pick("GET", "POST"), Pick("/mcp/", "/MCP", "/mcp/../mcp", "/mcp%2f", "/%ff%fe", "/mcp?%", "/" + new string('a', 4000), "/mcp/sse/x", "/mcp/messages/"),
                    [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes("{}"));
            case 4:
                return new FuzzRequest("health", Pick("GET", "POST", "DELETE"), Pick("/health", "/health/ready", "/health/", "/health/ready?x=1", "/ping"), [], null);
            default:
                return new FuzzRequest("legacy stream", "GET", "/mcp/sse" + Pick("", "?sessionId=" + legacySessionId, "?x=%ff"), [new("Accept", Pick("text/event-stream", "application/json"))], null);
        }
    }

    /// <summary>POST /mcp/messages of the legacy HTTP+SSE transport.</summary>
    private FuzzRequest LegacyMessage()
    {
        var query = Pick("?sessionId=" + legacySessionId, "?sessionId=" + legacySessionId, "?sessionId=nope", "", "?sessionId=", "?sessionId=" + legacySessionId + "&sessionId=x");
        var inner = _random.Next(2) == 0 ? MutatedMessage() : WrongShapeMessage();
        return new FuzzRequest("legacy " + inner.Description, "POST", "/mcp/messages" + query,
            [new("Content-Type", Pick("application/json", "application/json; charset=utf-16", "text/plain"))], inner.Body);
    }

    private FuzzRequest ProxyOrHealth()
    {
        var body = _random.Next(3) == 0 ? null : MutatedMessage().Body;
        return new FuzzRequest("proxy", Pick("GET", "POST", "PUT", "DELETE", "PATCH"), "/api/" + Pick("echo", "echo?x=%zz", "a/b/../c", "%ff", "echo?" + new string('q', 2000)),
            [new("Content-Type", Pick("application/json", "text/plain", "application/json; charset=utf-16")), new("X-Forwarded-For", Pick("1.2.3.4", "not-an-ip", "::1, 10.0.0.1"))], body);
    }

    // ---- raw framing ----------------------------------------------------------------------------------------

    private FuzzRequest RawFraming()
    {
        const string json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        var target = Pick("/mcp", "/mcp/messages?sessionId=" + legacySessionId, "/api/echo");
        var head = $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nMcp-Session-Id: {sessionId}\r\n";
        return _random.Next(11) switch
        {
            0 => FuzzRequest.RawBytes("chunk size not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + json + "\r\n0\r\n\r\n"),
            1 => FuzzRequest.RawBytes("chunk longer than said", head + "Transfer-Encoding: chunked\r\n\r\n5\r\n" + json + "\r\n0\r\n\r\n", halfClose: true),
            2 => FuzzRequest.RawBytes("chunked body cut off", head + "Transfer-Encoding: chunked\r\n\r\n40\r\n" + json[..10], halfClose: true),
            3 => FuzzRequest.RawBytes("content-length longer than the body", head + $"Content-Length: {json.Length + 100}\r\n\r\n" + json, halfClose: true),
            4 => FuzzRequest.RawBytes("two content-lengths", head + $"Content-Length: {json.Length}\r\nContent-Length: 3\r\n\r\n" + json),
            5 => FuzzRequest.RawBytes("content-length and chunked", head + $"Content-Length: {json.Length}\r\nTransfer-Encoding: chunked\r\n\r\n" + json),
            6 => FuzzRequest.RawBytes("header without colon", head + "Broken header line\r\n" + $"Content-Length: {json.Length}\r\n\r\n" + json),
            7 => FuzzRequest.RawBytes("bad request line", Pick("GET\r\n\r\n", "POST /mcp HTTP/9.9\r\nHost: x\r\n\r\n", "POST  /mcp HTTP/1.1\r\n\r\n", "G\u00e9T /mcp HTTP/1.1\r\nHost: x\r\n\r\n")),
            8 => FuzzRequest.RawBytes("no request line", Pick("\r\n\r\n", "\r\n", "POST /mcp HTTP/1.1\r\nHost: x\r\n"), halfClose: true),
            9 => FuzzRequest.RawBytes("non-ASCII header value", head + "Mcp-Session-Id: \u00ff\u00fe\r\n" + $"Content-Length: {json.Length}\r\n\r\n" + json),
            _ => FuzzRequest.RawBytes("negative content-length", head + "Content-Length: -5\r\n\r\n" + json),
        };
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private byte[] InsertInsideString(string text, byte[] bad)
    {
        var quotes = Enumerable.Range(0, text.Length).Where(i => text[i] == '"').ToArray();
        var at = quotes.Length < 2 ? text.Length / 2 : quotes[_random.Next(quotes.Length - 1)] + 1;
        var before = Encoding.UTF8.GetBytes(text[..at]);
        var after = Encoding.UTF8.GetBytes(text[at..]);
        return [.. before, .. bad, .. after];
    }

    /// <summary>Replaces the contents of one string value (not a key) with the given JSON string text.</summary>
    private string ReplaceAStringValue(string text, string replacement)
    {
        var positions = new List<(int Start, int End)>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '"')
            {
                continue;
            }

            var end = text.IndexOf('"', i + 1);
            if (end < 0)
            {
                break;
            }

            if (end + 1 >= text.Length || text[end + 1] != ':')
            {
                positions.Add((i + 1, end));
            }

            i = end;
        }

        if (positions.Count == 0)
        {
            return text;
        }

        var (start, stop) = positions[_random.Next(positions.Count)];
        return text[..start] + replacement + text[stop..];
    }

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}
