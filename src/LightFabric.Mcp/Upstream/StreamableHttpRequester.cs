using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// The request path of a Streamable HTTP upstream once the session exists: each request is one POST whose answer
/// (a JSON body, or an SSE stream that ends with the answer) is read on the calling task. The SDK transport keeps
/// the handshake, the server→client GET stream and the session's end; this path only skips its message queue,
/// which costs two thread hops and two serializations per call.
/// </summary>
public sealed class StreamableHttpRequester(HttpClient client, Uri endpoint, IReadOnlyDictionary<string, string> headers,
    int maxAnswerBytes = StreamableHttpRequester.DefaultMaxAnswerBytes)
{
    /// <summary>
    /// The most one answer may hold: a JSON body, or one event of an SSE answer (a stream of many smaller events is
    /// fine). Larger answers fail the call with <see cref="AnswerTooLargeException"/> instead of growing a buffer.
    /// </summary>
    public const int DefaultMaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>The limit this requester applies (<see cref="DefaultMaxAnswerBytes"/> unless a test sets another).</summary>
    public int MaxAnswerBytes => maxAnswerBytes;

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptStream = new("text/event-stream");
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>What the answer to one POST was.</summary>
    public enum Outcome
    {
        /// <summary><c>reply</c> holds the JSON-RPC response with our id.</summary>
        Reply,

        /// <summary>The upstream no longer knows the session (HTTP 404).</summary>
        SessionLost,

        /// <summary>Any other non-success status; <c>status</c> says which.</summary>
        Failed,
    }

    /// <summary>
    /// POSTs one request. Messages other than the reply that arrive on an SSE answer (progress, logging,
    /// server→client requests) go to <paramref name="other"/>.
    /// </summary>
    public async Task<(Outcome Outcome, JsonObject? Reply, int Status)> SendAsync(
        long id, string method, JsonNode? @params, string? sessionId, string protocolVersion, Action<JsonObject> other, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(256);
        try
        {
            using var writer = new Utf8JsonWriter(body, WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNumber("id", id);
            writer.WriteString("method", method);
            if (@params is not null)
            {
                writer.WritePropertyName("params");
                @params.WriteTo(writer);
            }

            writer.WriteEndObject();
        }
        catch (Exception ex)
        {
            // Writing an in-memory message does no I/O: this is about the message, and nothing was sent.
            throw new RequestNotWritableException(ex);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ReadOnlyMemoryContent(body.WrittenMemory),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(AcceptJson);
        AddSessionHeaders(request, sessionId, protocolVersion);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (Outcome.SessionLost, null, status);
        }

        if (!response.IsSuccessStatusCode)
        {
            return (Outcome.Failed, null, status);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var isEventStream = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (!isEventStream && response.Content.Headers.ContentLength > maxAnswerBytes)
        {
            throw new AnswerTooLargeException(maxAnswerBytes);
        }

        await using var stream = new BoundedStream(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), maxAnswerBytes);
        if (isEventStream)
        {
            var position = new StreamPosition();
            if (await ReadEventStreamAsync(stream, id, other, position, ct).ConfigureAwait(false) is { } reply)
            {
                return (Outcome.Reply, reply, status);
            }

            // The server may close the stream before answering and expect the client to resume it (SEP-1699).
            return await ResumeAsync(id, sessionId, protocolVersion, other, position, ct).ConfigureAwait(false) is { } resumed
                ? (Outcome.Reply, resumed, status)
                : (Outcome.Failed, null, status);
        }

        var node = JsonNode.Parse(await ReadAllAsync(stream, response.Content.Headers.ContentLength, ct).ConfigureAwait(false));
        return node is JsonObject message && IsReplyTo(message, id) ? (Outcome.Reply, message, status) : (Outcome.Failed, null, status);
    }

    /// <summary>Where an event stream was when it ended: what to resume from and how long to wait first.</summary>
    private sealed class StreamPosition
    {
        public string? LastEventId { get; set; }

        public int RetryMilliseconds { get; set; } = 100;
    }

    private const int MaxResumptions = 5;

    /// <summary>GET with Last-Event-ID until the reply arrives, the server refuses, or the attempts run out.</summary>
    private async Task<JsonObject?> ResumeAsync(long id, string? sessionId, string protocolVersion, Action<JsonObject> other, StreamPosition position, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxResumptions && position.LastEventId is not null; attempt++)
        {
            await Task.Delay(Math.Clamp(position.RetryMilliseconds, 0, 10_000), ct).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.TryAddWithoutValidation("Last-Event-ID", position.LastEventId);
            AddSessionHeaders(request, sessionId, protocolVersion);

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var stream = new BoundedStream(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), maxAnswerBytes);
            if (await ReadEventStreamAsync(stream, id, other, position, ct).ConfigureAwait(false) is { } reply)
            {
                return reply;
            }
        }

        return null;
    }

    private static async Task<JsonObject?> ReadEventStreamAsync(BoundedStream stream, long id, Action<JsonObject> other, StreamPosition position, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                position.LastEventId = line[(line.Length > 3 && line[3] == ' ' ? 4 : 3)..];
            }
            else if (line.StartsWith("retry:", StringComparison.Ordinal) && int.TryParse(line.AsSpan(6).Trim(), out var retry))
            {
                position.RetryMilliseconds = retry;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0 && JsonNode.Parse(data.ToString()) is JsonObject message)
                {
                    if (IsReplyTo(message, id))
                    {
                        return message;
                    }

                    other(message);
                }

                data.Clear();

                // The limit is per event: a long stream of progress notifications before the reply is fine.
                stream.StartNextAnswer();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }
        }

        return null;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, long? length, CancellationToken ct)
    {
        // Content-Length was checked against the limit; without one, the bounded stream stops the copy.
        if (length is > 0)
        {
            var bytes = new byte[length.Value];
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            return bytes;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Every request of the session: event streams accepted, its id and revision, the configured headers.</summary>
    private void AddSessionHeaders(HttpRequestMessage request, string? sessionId, string protocolVersion)
    {
        request.Headers.Accept.Add(AcceptStream);
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }

        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", protocolVersion);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static bool IsReplyTo(JsonObject message, long id) =>
        !message.ContainsKey("method") && message["id"] is JsonValue value && value.TryGetValue<long>(out var replyId) && replyId == id;

    /// <summary>An upstream answer (or one event of an SSE answer) is larger than <see cref="MaxAnswerBytes"/>.</summary>
    public sealed class AnswerTooLargeException(int limit)
        : Exception($"the answer is larger than {limit} bytes, the gateway's limit for one upstream MCP answer")
    {
        public int Limit { get; } = limit;
    }

    /// <summary>The request could not be written as JSON (the inner exception says why); nothing was sent.</summary>
    public sealed class RequestNotWritableException(Exception inner)
        : Exception("the request cannot be written as JSON: " + inner.Message, inner);

    /// <summary>
    /// Reads the answer and fails once more than the limit has been read since <see cref="StartNextAnswer"/>. Counts
    /// what the reader takes from the network, so a StreamReader's read-ahead makes it exact to one buffer.
    /// </summary>
    private sealed class BoundedStream(Stream inner, int limit) : Stream
    {
        private long _read;

        public void StartNextAnswer() => _read = 0;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Count(count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        private int Count(int count)
        {
            _read += count;
            return _read > limit ? throw new AnswerTooLargeException(limit) : count;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
