using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>A configuration file after source selection, placeholder resolution and decryption.</summary>
/// <param name="Name">The file name found, e.g. "handler.yml" or "handler.yaml".</param>
/// <param name="Provenance">"embedded" or "file:/abs/path".</param>
/// <param name="SecretPaths">Key paths holding decrypted values.</param>
public sealed record LoadedConfig(string Name, string Provenance, ConfigLayer Layer, JsonObject Values, IReadOnlySet<string> SecretPaths)
{
    /// <summary>A copy safe to show: decrypted values and values under sensitive-looking keys become "****".</summary>
    public JsonObject Masked() => SecretMasker.Mask(Values, SecretPaths);

    /// <summary>Binds the values to a typed configuration record; errors name this file and the key path.</summary>
    public T Bind<T>() => ConfigBinder.Bind<T>(Values, Name, SecretPaths);
}

/// <summary>
/// Loads configuration files: picks the highest layer that has the file, parses it, resolves placeholders
/// against the merged values and the environment, and decrypts CRYPT values.
/// </summary>
public sealed class ConfigLoader
{
    private readonly PlaceholderResolver _resolver;

    public ConfigLoader(ConfigSourceSet sources, ConfigValues values, IEnvironmentReader environment, SecretDecryptor decryptor)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(values);
        Sources = sources;
        Values = values;
        _resolver = new PlaceholderResolver(values, environment, decryptor);
    }

    public ConfigSourceSet Sources { get; }

    public ConfigValues Values { get; }

    public PlaceholderResolver Resolver => _resolver;

    /// <summary>Null when no layer has the file.</summary>
    public LoadedConfig? TryLoad(string name)
    {
        var source = Sources.Find(name);
        return source is null ? null : Load(source);
    }

    public LoadedConfig Load(string name)
    {
        var loaded = TryLoad(name);
        if (loaded is not null) return loaded;
        var searched = Sources.SearchedLocations(name);
        throw new ConfigException(
            $"config file '{DisplayName(name)}' not found; searched: {string.Join(", ", searched)}. " +
            "Add the file to one of these locations.");
    }

    /// <summary>Resolves a given source (for tools that select sources themselves).</summary>
    public LoadedConfig Load(ConfigFileSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var display = ConfigSourceSet.DisplayName(source);
        var parsed = ConfigYaml.ParseWithLines(source.Content, display);
        if (parsed.Root is not null and not JsonObject)
        {
            throw new ConfigException(new ConfigProblem(
                "the top level must be a map of keys to values", display, null, parsed.LineOf("")));
        }

        var resolved = _resolver.Resolve(parsed.Root, display, parsed);
        var values = resolved.Value as JsonObject ?? new JsonObject();
        return new LoadedConfig(source.FileName, source.Provenance, source.Layer, values, resolved.SecretPaths);
    }

    private static string DisplayName(string name) =>
        Path.HasExtension(name) ? name : name + ".yml";
}
