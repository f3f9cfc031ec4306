namespace LightFabric.Config;

/// <summary>The on-disk layers. <paramref name="DefaultsDir"/> is optional (container images ship it, VMs usually do not).</summary>
public sealed record ConfigDirectories(string? DefaultsDir, string ConfigDir, string CacheDir)
{
    /// <summary>root/config-defaults, root/config and root/config-cache, as absolute paths.</summary>
    public static ConfigDirectories ForWorkingDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        return new ConfigDirectories(
            Path.Combine(full, "config-defaults"),
            Path.Combine(full, "config"),
            Path.Combine(full, "config-cache"));
    }
}

/// <summary>One configuration file as found in one layer.</summary>
/// <param name="Provenance">"embedded" or "file:/abs/path".</param>
public sealed record ConfigFileSource(string FileName, ConfigLayer Layer, string Provenance, string Content);
