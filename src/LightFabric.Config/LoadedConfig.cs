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

    /// <summary>Like <see cref="Bind{T}"/>, reporting every key that does not bind into <paramref name="problems"/> (left at its default).</summary>
    public T BindEach<T>(List<ConfigProblem> problems) => ConfigBinder.BindEach<T>(Values, Name, SecretPaths, problems);

    /// <summary>Key paths whose value a placeholder brought in from values or the environment, and from where.</summary>
    public IReadOnlyDictionary<string, ValueOrigin> Origins { get; init; } = new Dictionary<string, ValueOrigin>();

    /// <summary>"handler.yml" for a Name of "handler".</summary>
    public string FileName => Name.Contains('.', StringComparison.Ordinal) ? Name : Name + ".yml";

    /// <summary>
    /// A problem a reader found at a key path of this file, restated where the user wrote the value when a
    /// placeholder brought it in: <c>values.yml: handler.paths[1].exec[1] (used by handler.yml): …</c>.
    /// Other problems are returned as they are.
    /// </summary>
    public ConfigProblem Attribute(ConfigProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.UsedBy is not null || problem.Key is null || Origins.Count == 0 || !Names(problem.File))
        {
            return problem;
        }

        string? best = null;
        foreach (var path in Origins.Keys)
        {
            if (IsAtOrBelow(problem.Key, path) && (best is null || path.Length > best.Length))
            {
                best = path;
            }
        }

        if (best is null)
        {
            return problem;
        }

        var origin = Origins[best];
        // The line belonged to the template, not to the values file.
        return new ConfigProblem(problem.Message, origin.Source, origin.KeyFor(problem.Key[best.Length..])) { UsedBy = FileName };
    }

    private bool Names(string? file) =>
        file is not null && (file == FileName || file == Name || Provenance == "file:" + file || file == "embedded:" + Name);

    private static bool IsAtOrBelow(string key, string path) =>
        path.Length == 0 || key == path
        || key.Length > path.Length && key.StartsWith(path, StringComparison.Ordinal) && key[path.Length] is '.' or '[';
}

/// <summary>
/// Loads configuration files: picks the highest layer that has the file, parses it, resolves placeholders
/// against the merged values and the environment, and decrypts CRYPT values.
/// </summary>
public sealed class ConfigLoader
{
    private readonly PlaceholderResolver _resolver;
    private readonly System.Collections.Concurrent.ConcurrentQueue<LoadedConfig> _loaded = new();

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

    /// <summary>
    /// Restates problems that readers found in files this loader loaded, naming values.yml, config-server values or
    /// the environment variable when that is where the value at the problem's key came from.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Attribute(IEnumerable<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var loaded = _loaded.ToArray();
        return problems.Select(p => loaded.Aggregate(p, (problem, config) => config.Attribute(problem))).ToArray();
    }

    /// <summary>Null when no layer has the file.</summary>
    public LoadedConfig? TryLoad(string name)
    {
        var source = Sources.Find(name);
        return source is null ? null : Load(source);
    }

    public LoadedConfig Load(string name)
    {
        var loaded = TryLoad(name);
        if (loaded is not null)
        {
            return loaded;
        }

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
        var loaded = new LoadedConfig(source.FileName, source.Provenance, source.Layer, values, resolved.SecretPaths) { Origins = resolved.Origins };
        _loaded.Enqueue(loaded);
        return loaded;
    }

    private static string DisplayName(string name) =>
        Path.HasExtension(name) ? name : name + ".yml";
}
