using Microsoft.Extensions.Logging;

namespace LightFabric.Runtime.Hosting;

public sealed class RuntimeLifecycle(ILogger logger)
{
    private volatile int _state = (int)LifecycleState.BootstrapLocal;

    public LifecycleState State => (LifecycleState)_state;

    public bool IsReady => State == LifecycleState.Ready;

    public void MoveTo(LifecycleState state)
    {
        var previous = (LifecycleState)Interlocked.Exchange(ref _state, (int)state);
        if (previous != state)
        {
            logger.LogDebug("Lifecycle {From} -> {To}", previous, state);
        }
    }
}
