namespace LightFabric.Runtime.Modules;

public enum ModuleReloadStatus
{
    /// <summary>The module's configuration changed and the new one is live.</summary>
    Reloaded,

    /// <summary>Nothing changed for this module.</summary>
    Skipped,

    /// <summary>The new configuration was rejected; the last good one stays live.</summary>
    Failed,

    /// <summary>Newly activated by this reload.</summary>
    Added,

    /// <summary>No longer referenced, so deactivated.</summary>
    Removed,

    /// <summary>Changed, but only a restart applies it (listeners, log format).</summary>
    RestartRequired,
}
