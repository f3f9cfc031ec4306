using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>One HTTP answer of the MCP endpoint, with the JSON-RPC message taken out of a JSON or SSE body.</summary>
internal sealed record McpReply(HttpStatusCode Status, HttpResponseHeaders Headers, string? ContentType, string Raw, JsonObject? Message)
{
    public JsonNode? Result => Message?["result"];

    public int? ErrorCode => Message?["error"]?["code"]?.GetValue<int>();

    public string? ErrorMessage => Message?["error"]?["message"]?.GetValue<string>();

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;
}

/// <summary>Speaks MCP Streamable HTTP at the byte level, so tests see exactly what a client sees.</summary>
internal sealed class McpWire(HttpClient client, string path = "/mcp")
{
    public const string BothAccept = "application/json, text/event-stream";

    private int _nextId;

    public string? SessionId { get; set; }

    public async Task<McpReply> SendAsync(string body, string? sessionId = null, string accept = BothAccept,
        string contentType = "application/json", string method = "POST", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST")
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TryAddWithoutValidation("Accept", accept);
        if ((sessionId ?? SessionId) is { } id)
        {
            request.Headers.Add("Mcp-Session-Id", id);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var contentTypeText = response.Content.Headers.ContentType?.MediaType;
        var json = contentTypeText == "text/event-stream"
            ? raw.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?[6..]
            : raw;
        JsonObject? message = null;
        if (!string.IsNullOrWhiteSpace(json))
        {
            message = JsonNode.Parse(json) as JsonObject;
        }

        return new McpReply(response.StatusCode, response.Headers, contentTypeText, raw, message);
    }

    public Task<McpReply> RequestAsync(string method, JsonObject? parameters = null, string? sessionId = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _nextId), ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return SendAsync(message.ToJsonString(), sessionId);
    }

    public Task<McpReply> NotifyAsync(string method, JsonObject? parameters = null)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null)
        {
            message["params"] = parameters;
        }

        return SendAsync(message.ToJsonString());
    }

    public async Task<McpReply> InitializeAsync(string version = "2025-06-18", string clientName = "wire-test", string clientVersion = "1.0")
    {
        var reply = await RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = version,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = clientName, ["version"] = clientVersion },
        }, sessionId: null);
        if (reply.Status == HttpStatusCode.OK && reply.Header("Mcp-Session-Id") is { } id)
        {
            SessionId = id;
            await NotifyAsync("notifications/initialized");
        }

        return reply;
    }

    /// <summary>tools/call that must succeed at the JSON-RPC level; returns the result.</summary>
    public async Task<JsonObject> CallToolAsync(string name, JsonObject? arguments = null)
    {
        var reply = await RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments ?? [] });
        Assert.True(reply.Status == HttpStatusCode.OK && reply.Result is JsonObject, $"tools/call {name} failed: {(int)reply.Status} {reply.Raw}");
        return (JsonObject)reply.Result!;
    }

    /// <summary>Every tool name, following nextCursor.</summary>
    public async Task<List<string>> ListToolNamesAsync()
    {
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var reply = await RequestAsync("tools/list", cursor is null ? null : new JsonObject { ["cursor"] = cursor });
            Assert.True(reply.Result is JsonObject, reply.Raw);
            names.AddRange(reply.Result!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
            cursor = reply.Result!["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return names;
    }

    public static string FirstText(JsonObject result) => result["content"]![0]!["text"]!.GetValue<string>();
}
