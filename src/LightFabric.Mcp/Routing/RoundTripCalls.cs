using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Bridges upstream questions (sampling, elicitation, roots asked during a call, 2025 style) to 2026-07-28 clients,
/// which expect multi round-trip results: the upstream call runs on in the gateway; the client gets
/// <c>resultType: input_required</c> with the questions and an opaque <c>requestState</c>, and its retry brings the
/// answers, which go upstream, until the call finishes. The state is a random handle bound to the caller.
/// </summary>
internal sealed class RoundTripCalls(TimeProvider clock)
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, PendingCall> _pending = new(StringComparer.Ordinal);

    private sealed class PendingCall(string binding, RoundTripClientChannel channel, Task<JsonNode?> upstream)
    {
        public string Binding { get; } = binding;

        public RoundTripClientChannel Channel { get; } = channel;

        public Task<JsonNode?> Upstream { get; } = upstream;

        public string? Handle { get; set; }
    }

    /// <summary>
    /// A first call starts <paramref name="invoke"/> detached from this HTTP request; a retry (params.requestState)
    /// delivers its inputResponses. Either way the answer is the final result or the next input_required result.
    /// </summary>
    public async Task<JsonNode?> CallAsync(McpRequest request, Func<IClientChannel, CancellationToken, Task<JsonNode?>> invoke, TimeSpan maxDuration)
    {
        var parameters = request.Params as JsonObject;
        if (parameters?["requestState"] is JsonValue stateValue && stateValue.TryGetValue<string>(out var state))
        {
            if (!_pending.TryGetValue(state, out var resumed) || resumed.Binding != request.Caller.Binding)
            {
                throw new McpException(McpErrorCodes.InvalidParams, "Unknown or expired requestState; make the call again without it");
            }

            resumed.Channel.Session = request.Session;
            if (parameters["inputResponses"] is JsonObject responses)
            {
                foreach (var (key, value) in responses)
                {
                    resumed.Channel.Answer(key, value);
                }
            }

            return await OutcomeAsync(resumed, request.Disconnected).ConfigureAwait(false);
        }

        var lifetime = new CancellationTokenSource(maxDuration, clock);
        var channel = new RoundTripClientChannel(request.Session, lifetime.Token);
        var upstream = Task.Run(() => invoke(channel, lifetime.Token), CancellationToken.None);
        _ = upstream.ContinueWith(_ => lifetime.Dispose(), TaskScheduler.Default);
        return await OutcomeAsync(new PendingCall(request.Caller.Binding, channel, upstream), request.Disconnected).ConfigureAwait(false);
    }

    private async Task<JsonNode?> OutcomeAsync(PendingCall call, CancellationToken requestAborted)
    {
        while (true)
        {
            if (call.Upstream.IsCompleted)
            {
                if (call.Handle is not null)
                {
                    _pending.TryRemove(call.Handle, out _);
                }

                return await call.Upstream.ConfigureAwait(false);
            }

            while (call.Channel.Asked.TryRead(out _))
            {
            }

            var open = call.Channel.Open.OrderBy(q => q.Key, StringComparer.Ordinal).ToArray();
            if (open.Length > 0)
            {
                return InputRequired(call, open);
            }

            await Task.WhenAny(call.Upstream, call.Channel.Asked.WaitToReadAsync(requestAborted).AsTask()).ConfigureAwait(false);
            requestAborted.ThrowIfCancellationRequested();
        }
    }

    private JsonObject InputRequired(PendingCall call, IEnumerable<RoundTripClientChannel.Question> open)
    {
        if (call.Handle is null)
        {
            call.Handle = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _pending[call.Handle] = call;
            var handle = call.Handle;

            // A client that never comes back: the call's own time limit ends it; its state is dropped a while later.
            _ = call.Upstream.ContinueWith(
                _ => Task.Delay(KeepFinished, clock).ContinueWith(_ => _pending.TryRemove(handle, out var _), TaskScheduler.Default),
                TaskScheduler.Default);
        }

        var requests = new JsonObject();
        foreach (var question in open)
        {
            requests[question.Key] = new JsonObject { ["method"] = question.Method, ["params"] = question.Parameters?.DeepClone() };
        }

        return new JsonObject { ["resultType"] = "input_required", ["inputRequests"] = requests, ["requestState"] = call.Handle };
    }
}
