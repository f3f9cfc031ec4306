namespace LightFabric.Runtime.Hosting;

/// <summary>The seed's lifecycle, in order. Readiness is true only in <see cref="Ready"/>.</summary>
public enum LifecycleState
{
    BootstrapLocal,
    BootstrapRemote,
    BuildRuntime,
    BindListeners,

    /// <summary>Listening (health answers) while the model's resources start: required upstream servers, key sets.</summary>
    Activate,
    RegisterController,
    Ready,

    /// <summary>SIGTERM received: not ready, still serving, for server.yml preStopDelayMs; then <see cref="Draining"/>.</summary>
    PreStop,
    Draining,
    Stopped,
}
