using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Requests an upstream sends its client while serving a call (sampling/createMessage, elicitation/create,
/// roots/list) go to the client whose call it is, under a gateway id, and its answer goes back upstream. The
/// call is known from the request's own flow (Streamable HTTP upstreams send these on the call's POST stream);
/// for stdio upstreams it is the one call in flight on that server. A client that did not declare the capability,
/// or an ambiguous stdio case, gets the upstream an error instead.
/// </summary>
public sealed partial class McpRouter
{
    private static readonly AsyncLocal<CallRelay?> CurrentCall = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CallRelay, byte>> _callsInFlight = new(StringComparer.Ordinal);
    private long _clientRequestCounter;

    /// <summary>One downstream call being served by an upstream.</summary>
    private sealed record CallRelay(McpSession Session, RequestEventStream Stream);

    /// <summary>Marks the calling flow as serving <paramref name="request"/> on <paramref name="server"/> until disposed.</summary>
    private CallScope EnterCall(string server, McpRequest request)
    {
        var relay = new CallRelay(request.Session, request.Related);
        CurrentCall.Value = relay;
        var calls = _callsInFlight.GetOrAdd(server, _ => new ConcurrentDictionary<CallRelay, byte>());
        calls[relay] = 0;
        return new CallScope(calls, relay);
    }

    private readonly struct CallScope(ConcurrentDictionary<CallRelay, byte> calls, CallRelay relay) : IDisposable
    {
        public void Dispose()
        {
            calls.TryRemove(relay, out _);
            CurrentCall.Value = null;
        }
    }

    private Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> ClientRequestHandler(string server) =>
        (method, parameters, cancellationToken) => RelayToClientAsync(server, method, parameters, cancellationToken);

    private async Task<JsonNode?> RelayToClientAsync(string server, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (method == McpMethods.Ping)
        {
            return new JsonObject();
        }

        var relay = CurrentCall.Value;
        if (relay is null && _callsInFlight.TryGetValue(server, out var calls))
        {
            var inFlight = calls.Keys.Take(2).ToArray();
            relay = inFlight.Length == 1 ? inFlight[0] : null;
        }

        if (relay is null)
        {
            throw new UpstreamErrorException(server, McpErrorCodes.InternalError,
                $"light-gateway cannot tell which client {method} is for: no single call of this server is in flight", null);
        }

        if (relay.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28)
        {
            // A 2026-07-28 client takes such questions as input_required results (multi round-trip), not as requests.
            throw new UpstreamErrorException(server, McpErrorCodes.MethodNotFound,
                $"{method} cannot reach a client speaking protocol revision 2026-07-28 through light-gateway yet", null);
        }

        var capability = method switch
        {
            "sampling/createMessage" => "sampling",
            "elicitation/create" => "elicitation",
            "roots/list" => "roots",
            _ => null,
        };
        if (capability is null || relay.Session.ClientCapabilities?[capability] is null)
        {
            throw new UpstreamErrorException(server, McpErrorCodes.MethodNotFound,
                capability is null ? $"Method not found: {method}" : $"The client did not declare the {capability} capability", null);
        }

        var id = "lgw-" + Interlocked.Increment(ref _clientRequestCounter);
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
        var answer = await relay.Session.AwaitClientResponseAsync(
            JsonValue.Create(id).ToJsonString(), () => relay.Stream.SendAsync(message).AsTask(), cancellationToken).ConfigureAwait(false);
        if (answer["error"] is JsonObject error)
        {
            var code = error["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : McpErrorCodes.InternalError;
            throw new UpstreamErrorException(server, code, Text(error["message"]) ?? "the client answered with an error", error["data"]?.DeepClone());
        }

        var result = answer["result"];
        answer.Remove("result");
        return result;
    }
}
