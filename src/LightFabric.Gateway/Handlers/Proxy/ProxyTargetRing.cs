namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// Round-robin over the configured targets: each request starts at the next target and a retry moves on
/// from there, so a single host is simply tried again.
/// </summary>
internal sealed class ProxyTargetRing(IReadOnlyList<ProxyTarget> targets)
{
    private int _next = -1;

    public int Count => targets.Count;

    public int NextStart() => (int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Count);

    public ProxyTarget At(int start, int attempt) => targets[(start + attempt) % targets.Count];
}
