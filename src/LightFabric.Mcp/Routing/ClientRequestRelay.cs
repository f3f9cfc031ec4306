using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Requests an upstream sends its client while serving a call (sampling/createMessage, elicitation/create,
/// roots/list) go to the client whose call it is, under a gateway id, and its answer goes back upstream. The
/// call is known from the request's own flow (Streamable HTTP upstreams send these on the call's POST stream);
/// for stdio upstreams it is the one call in flight on that server. A client that did not declare the capability,
/// or an ambiguous stdio case, gets the upstream an error instead.
/// </summary>
internal sealed partial class ClientRequestRelay(ILogger logger)
{
    private const string RootsList = "roots/list";
    private static readonly AsyncLocal<IClientChannel?> CurrentCall = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IClientChannel, byte>> _callsInFlight = new(StringComparer.Ordinal);

    /// <summary>Marks the calling flow as serving a call of <paramref name="channel"/>'s client on <paramref name="server"/> until disposed.</summary>
    public CallScope EnterCall(string server, IClientChannel channel)
    {
        CurrentCall.Value = channel;
        var calls = _callsInFlight.GetOrAdd(server, _ => new ConcurrentDictionary<IClientChannel, byte>());
        calls[channel] = 0;
        return new CallScope(calls, channel);
    }

    public readonly struct CallScope(ConcurrentDictionary<IClientChannel, byte> calls, IClientChannel channel) : IDisposable
    {
        public void Dispose()
        {
            calls.TryRemove(channel, out _);
            CurrentCall.Value = null;
        }
    }

    /// <summary>The client of the call the calling flow serves, if any (a log message while serving it goes to that client only).</summary>
    public static IClientChannel? Current => CurrentCall.Value;

    /// <summary>What answers an upstream's requests to its client.</summary>
    public Func<string, JsonNode?, CancellationToken, Task<JsonNode?>> HandlerFor(string server) =>
        (method, parameters, cancellationToken) => RelayAsync(server, method, parameters, cancellationToken);

    private async Task<JsonNode?> RelayAsync(string server, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (method == McpMethods.Ping)
        {
            return new JsonObject();
        }

        var channel = CurrentCall.Value;
        if (channel is null && _callsInFlight.TryGetValue(server, out var calls))
        {
            var inFlight = calls.Keys.Take(2).ToArray();
            channel = inFlight.Length == 1 ? inFlight[0] : null;
        }

        if (channel is null && method == RootsList)
        {
            // Servers ask for roots right after initialize (and on each restart), outside any call. The gateway has
            // no roots of its own to offer, and an error here only makes the upstream log a failure.
            LogRootsAnsweredEmpty(logger, server);
            return new JsonObject { ["roots"] = new JsonArray() };
        }

        if (channel is null)
        {
            throw new UpstreamErrorException(server, McpErrorCodes.InternalError,
                $"light-gateway cannot tell which client {method} is for: no single call of this server is in flight", null);
        }

        var capability = method switch
        {
            "sampling/createMessage" => "sampling",
            "elicitation/create" => "elicitation",
            RootsList => "roots",
            _ => null,
        };
        if (capability is null || channel.Session.ClientCapabilities?[capability] is null)
        {
            throw new UpstreamErrorException(server, McpErrorCodes.MethodNotFound,
                capability is null ? $"Method not found: {method}" : $"The client did not declare the {capability} capability", null);
        }

        var answer = await channel.AskAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        if (answer["error"] is JsonObject error)
        {
            var code = error["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : McpErrorCodes.InternalError;
            throw new UpstreamErrorException(server, code, JsonFields.Text(error["message"]) ?? "the client answered with an error", error["data"]?.DeepClone());
        }

        var result = answer["result"];
        answer.Remove("result");
        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream MCP server '{Server}' asked for roots/list outside a call of one client; answered with no roots")]
    private static partial void LogRootsAnsweredEmpty(ILogger logger, string server);
}
