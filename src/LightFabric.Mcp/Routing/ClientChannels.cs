using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>How a question of an upstream (sampling, elicitation, roots) reaches the client whose call caused it.</summary>
internal interface IClientChannel
{
    McpSession Session { get; }

    /// <summary>Asks the client; returns its JSON-RPC response message (with <c>result</c> or <c>error</c>).</summary>
    Task<JsonObject> AskAsync(string method, JsonNode? parameters, CancellationToken cancellationToken);

    /// <summary>A notification about the call (e.g. a log message); dropped where the channel has no stream.</summary>
    ValueTask NotifyAsync(byte[] message);
}

/// <summary>Session clients: the question is a JSON-RPC request on the call's own answer stream (or the GET stream).</summary>
internal sealed class StreamClientChannel(McpSession session, IRelatedMessages stream) : IClientChannel
{
    private static long _counter;

    public McpSession Session => session;

    public async Task<JsonObject> AskAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var id = "lgw-" + Interlocked.Increment(ref _counter);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteString("id", id);
            writer.WriteString("method", method);
            if (parameters is not null)
            {
                writer.WritePropertyName("params");
                parameters.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        var message = buffer.WrittenSpan.ToArray();
        return await session.AwaitClientResponseAsync(JsonValue.Create(id).ToJsonString(), () => stream.SendAsync(message).AsTask(), cancellationToken)
            .ConfigureAwait(false);
    }

    public ValueTask NotifyAsync(byte[] message) => stream.SendAsync(message);
}

/// <summary>
/// 2026-07-28 clients take questions as multi round-trip results: each question waits here until the client's
/// retry brings its answer under the same key, while the upstream call stays open in the gateway.
/// </summary>
internal sealed class RoundTripClientChannel(McpSession session, CancellationToken lifetime) : IClientChannel
{
    private readonly Channel<Question> _asked = Channel.CreateUnbounded<Question>();
    private readonly ConcurrentDictionary<string, Question> _open = new(StringComparer.Ordinal);
    private int _counter;

    public sealed record Question(string Key, string Method, JsonNode? Parameters, TaskCompletionSource<JsonObject> Answer);

    public McpSession Session { get; set; } = session;

    public ChannelReader<Question> Asked => _asked.Reader;

    public IEnumerable<Question> Open => _open.Values;

    public async Task<JsonObject> AskAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var question = new Question("q" + Interlocked.Increment(ref _counter), method, parameters?.DeepClone(),
            new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously));
        _open[question.Key] = question;
        _asked.Writer.TryWrite(question);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime);
            return await question.Answer.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(question.Key, out _);
        }
    }

    /// <summary>Hands the client's answer (the bare result object) to the waiting question; false for an unknown key.</summary>
    public bool Answer(string key, JsonNode? result) =>
        _open.TryRemove(key, out var question) && question.Answer.TrySetResult(new JsonObject { ["result"] = result?.DeepClone() });

    public ValueTask NotifyAsync(byte[] message) => ValueTask.CompletedTask;
}
