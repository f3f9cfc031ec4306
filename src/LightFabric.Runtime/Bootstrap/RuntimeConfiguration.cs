using LightFabric.Config;

namespace LightFabric.Runtime.Bootstrap;

/// <summary>
/// One immutable view of configuration: the sources, the merged values and the loader over them,
/// plus where it came from. Every reload produces a new one.
/// </summary>
public sealed record RuntimeConfiguration(
    ConfigLoader Loader,
    BootstrapSource Source,
    StartupConfig Startup,
    string? SourceDetail,
    DateTimeOffset LoadedAt);
