namespace LightFabric.Runtime.Hosting;

/// <summary>One upstream a model depends on, as <c>/health/ready</c> lists it.</summary>
/// <param name="State">starting, up, down or stopped.</param>
/// <param name="Required">Whether startup waits for it (up, or its startup wait ran out) before turning ready.</param>
/// <param name="LastError">Why it is down; null while starting or up.</param>
/// <param name="StartupWaitEndsAt">While startup still waits for it: when that wait runs out.</param>
public sealed record UpstreamHealth(string Name, string State, bool Required, string? LastError, DateTimeOffset? StartupWaitEndsAt);
