namespace LightFabric.Runtime.Bootstrap;

/// <summary>Where this start's runtime configuration came from.</summary>
public enum BootstrapSource
{
    /// <summary>No config-server configured: embedded defaults and local files.</summary>
    Local,

    /// <summary>Freshly downloaded from config-server.</summary>
    ConfigServer,

    /// <summary>config-server failed; the last download in config-cache was used.</summary>
    Cache,

    /// <summary>config-server failed and there was no cache; local files only.</summary>
    LocalFallback,
}
