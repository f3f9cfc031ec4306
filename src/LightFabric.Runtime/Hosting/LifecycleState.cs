namespace LightFabric.Runtime.Hosting;

/// <summary>The seed's lifecycle, in order. Readiness is true only in <see cref="Ready"/>.</summary>
public enum LifecycleState
{
    BootstrapLocal,
    BootstrapRemote,
    BuildRuntime,
    BindListeners,
    RegisterController,
    Ready,
    Draining,
    Stopped,
}
