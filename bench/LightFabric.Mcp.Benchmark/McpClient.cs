using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LightFabric.Mcp.Benchmark;

/// <summary>One MCP Streamable HTTP client session, kept to the bytes a load generator needs.</summary>
internal sealed class McpClient(HttpClient http, Uri endpoint)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private long _nextId;

    public string? SessionId { get; private set; }

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ""","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"lf-mcp-bench","version":"1.0"}}}""";
        using var response = await SendAsync(HttpMethod.Post, Encoding.UTF8.GetBytes(body), ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK || !response.Headers.TryGetValues("Mcp-Session-Id", out var ids))
        {
            throw new InvalidOperationException($"initialize at {endpoint} failed: {(int)response.StatusCode} {text}");
        }

        SessionId = ids.First();
        using var initialized = await SendAsync(HttpMethod.Post, """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray(), ct).ConfigureAwait(false);
        if (initialized.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"notifications/initialized at {endpoint} answered {(int)initialized.StatusCode}");
        }
    }

    public async Task<string> RequestAsync(string method, string paramsJson, CancellationToken ct = default)
    {
        var body = $$"""{"jsonrpc":"2.0","id":{{Interlocked.Increment(ref _nextId)}},"method":"{{method}}","params":{{paramsJson}}}""";
        using var response = await SendAsync(HttpMethod.Post, Encoding.UTF8.GetBytes(body), ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One tools/call of echo; true when the answer is a JSON-RPC result (not an error).</summary>
    public async Task<bool> CallEchoAsync(byte[] body, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, body, ct).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK && bytes.AsSpan().IndexOf("\"result\""u8) >= 0;
    }

    /// <summary>One POST of a JSON-RPC message; the answer's status and body.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(byte[] body, CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, body, ct).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
    }

    /// <summary>A tools/call of <paramref name="tool"/> with <paramref name="argumentsJson"/> and a new id.</summary>
    public byte[] ToolCallBody(string tool, string argumentsJson = "{}") => Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + argumentsJson + "}}");

    public byte[] EchoBody(string text) => Encoding.UTF8.GetBytes(
        "{\"jsonrpc\":\"2.0\",\"id\":" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"" + text + "\"}}}");

    public async Task DeleteAsync()
    {
        if (SessionId is not null)
        {
            using var response = await SendAsync(HttpMethod.Delete, null, CancellationToken.None).ConfigureAwait(false);
            SessionId = null;
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, byte[]? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, endpoint);
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-06-18");
        if (SessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", SessionId);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = Json;
        }

        return http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }
}
