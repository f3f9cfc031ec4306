namespace LightFabric.Config;

/// <summary>
/// Where a value in a configuration file really came from when a placeholder brought it in.
/// </summary>
/// <param name="Source">The values file ("/opt/app/config/values.yml"), "config-server values", or "environment variable X".</param>
/// <param name="Key">The values key ("handler.paths"); null for an environment variable.</param>
public sealed record ValueOrigin(string Source, string? Key)
{
    /// <summary>The key path inside the source of what the file holds at <paramref name="suffix"/> below the placeholder (".x", "[1].exec").</summary>
    public string? KeyFor(string suffix)
    {
        if (Key is not null)
        {
            return Key + suffix;
        }

        var relative = suffix.TrimStart('.');
        return relative.Length == 0 ? null : relative;
    }
}
