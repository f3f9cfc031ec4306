using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Progress of calls on shared upstream connections: each call's progressToken is replaced by one unique on the
/// connection, so progress of many clients' calls never crosses, and each notification goes back to the client whose
/// call it is, under that client's own token.
/// </summary>
internal sealed class ProgressRelay
{
    private readonly ConcurrentDictionary<string, (IRelatedMessages Messages, JsonNode Token)> _calls = new(StringComparer.Ordinal);
    private long _counter;

    /// <summary>
    /// Replaces the client's progressToken in <paramref name="meta"/>; returns the upstream token to pass to
    /// <see cref="End"/> when the call ends (null when the client asked for no progress).
    /// </summary>
    public string? Begin(JsonObject? meta, IRelatedMessages related)
    {
        if (meta?["progressToken"] is not JsonValue token)
        {
            return null;
        }

        var upstreamToken = "lgw-" + Interlocked.Increment(ref _counter);
        _calls[upstreamToken] = (related, token.DeepClone());
        meta["progressToken"] = upstreamToken;
        return upstreamToken;
    }

    public void End(string? upstreamToken)
    {
        if (upstreamToken is not null)
        {
            _calls.TryRemove(upstreamToken, out _);
        }
    }

    /// <summary>An upstream's notifications/progress: to the call it belongs to, if that call still runs.</summary>
    public void Relay(JsonNode? parameters)
    {
        if (JsonFields.Text(parameters?["progressToken"]) is { } upstreamToken && _calls.TryGetValue(upstreamToken, out var call))
        {
            var progress = (JsonObject)parameters!.DeepClone();
            progress["progressToken"] = call.Token.DeepClone();
            _ = call.Messages.SendAsync(JsonRpcWriter.Notification(McpMethods.Progress, progress));
        }
    }
}
