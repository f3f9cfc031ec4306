namespace LightFabric.Config;

/// <summary>Where a configuration file or value came from, lowest priority first.</summary>
public enum ConfigLayer
{
    Embedded = 0,
    Defaults = 1,
    Local = 2,
    Cache = 3,
    Remote = 4,
}
