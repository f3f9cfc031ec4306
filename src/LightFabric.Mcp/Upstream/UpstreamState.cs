namespace LightFabric.Mcp.Upstream;

public enum UpstreamStatus
{
    /// <summary>The first connection attempt is under way.</summary>
    Starting,

    /// <summary>Connected and initialized; requests are forwarded.</summary>
    Up,

    /// <summary>Not connected; a reconnect (or process restart) is scheduled at <see cref="UpstreamState.NextAttemptAt"/>.</summary>
    Down,

    /// <summary>Disposed; no further attempts.</summary>
    Stopped,
}

/// <summary>
/// What the supervisor knows about one upstream, as one immutable value so health listings and error messages never
/// mix two moments.
/// </summary>
/// <param name="Reason">Why it is down (or stopped); null while starting or up.</param>
/// <param name="NextAttemptAt">When the next connection attempt starts, while down.</param>
/// <param name="Restarts">Connection attempts after the first one.</param>
public sealed record UpstreamState(UpstreamStatus Status, string? Reason, DateTimeOffset? NextAttemptAt, int Restarts);
