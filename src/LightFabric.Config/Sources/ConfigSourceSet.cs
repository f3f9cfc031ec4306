namespace LightFabric.Config;

/// <summary>
/// The layers configuration files come from. Structured files are taken whole from the highest layer
/// that has them (config-cache &gt; config &gt; config-defaults &gt; embedded); values.yml is merged key by key.
/// </summary>
public sealed class ConfigSourceSet
{
    private const string ValuesName = "values";

    public ConfigSourceSet(IEmbeddedConfigSource embedded, ConfigDirectories directories)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        ArgumentNullException.ThrowIfNull(directories);
        Embedded = embedded;
        Directories = directories;
    }

    public IEmbeddedConfigSource Embedded { get; }

    public ConfigDirectories Directories { get; }

    /// <summary>
    /// The file from the highest layer that has it. <paramref name="name"/> is "handler", "handler.yml" or
    /// "handler.yaml"; each layer is tried as .yml then .yaml. Null when no layer has it.
    /// </summary>
    public ConfigFileSource? Find(string name)
    {
        var candidates = CandidateNames(name);
        for (var layer = ConfigLayer.Cache; layer >= ConfigLayer.Embedded; layer--)
        {
            var found = FindInLayer(layer, candidates, allowEmpty: false);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Every place <see cref="Find"/> looks, lowest layer first, for "not found" messages.</summary>
    public IReadOnlyList<string> SearchedLocations(string name)
    {
        var candidates = CandidateNames(name);
        var locations = new List<string>();
        for (var layer = ConfigLayer.Embedded; layer <= ConfigLayer.Cache; layer++)
        {
            foreach (var candidate in candidates)
            {
                if (layer == ConfigLayer.Embedded)
                {
                    locations.Add($"embedded:{candidate}");
                }
                else if (DirectoryOf(layer) is { } dir)
                {
                    locations.Add(Path.Combine(dir, candidate));
                }
            }
        }

        return locations;
    }

    /// <summary>The file a given layer supplies, if any (for diagnostics and dumps).</summary>
    public ConfigFileSource? FindInLayer(ConfigLayer layer, string name) => FindInLayer(layer, CandidateNames(name), allowEmpty: false);

    /// <summary>Base names ("handler", "oauth/provider") of every .yml/.yaml file any layer has, for checks over all files.</summary>
    public IReadOnlyList<string> FileNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Embedded.Names)
        {
            AddBaseName(names, name);
        }

        foreach (var dir in new[] { Directories.DefaultsDir, Directories.ConfigDir, Directories.CacheDir })
        {
            if (dir is null || !Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                AddBaseName(names, Path.GetRelativePath(dir, file).Replace('\\', '/'));
            }
        }

        return names.ToArray();
    }

    private static void AddBaseName(SortedSet<string> names, string name)
    {
        if (name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            names.Add(name[..^4]);
        }
        else if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
        {
            names.Add(name[..^5]);
        }
    }

    /// <summary>values.yml (or .yaml) from every layer, merged key by key: embedded &lt; defaults &lt; config &lt; cache.</summary>
    public ConfigValues LoadValues()
    {
        var merged = ConfigValues.Empty;
        var candidates = CandidateNames(ValuesName);
        for (var layer = ConfigLayer.Embedded; layer <= ConfigLayer.Cache; layer++)
        {
            // An empty values.yml adds nothing and hides nothing, unlike an empty module file.
            var source = FindInLayer(layer, candidates, allowEmpty: true);
            if (source is null)
            {
                continue;
            }

            merged = merged.Overlay(ConfigValues.Parse(source.Content, DisplayName(source)));
        }

        return merged;
    }

    /// <summary>How a source is named in error messages: the absolute path, or "embedded:name".</summary>
    public static string DisplayName(ConfigFileSource source) =>
        source.Provenance.StartsWith("file:", StringComparison.Ordinal)
            ? source.Provenance["file:".Length..]
            : $"embedded:{source.FileName}";

    private ConfigFileSource? FindInLayer(ConfigLayer layer, IReadOnlyList<string> candidates, bool allowEmpty)
    {
        foreach (var candidate in candidates)
        {
            if (layer == ConfigLayer.Embedded)
            {
                if (Embedded.TryRead(candidate, out var embeddedContent))
                {
                    return new ConfigFileSource(candidate, layer, "embedded", embeddedContent);
                }

                continue;
            }

            var dir = DirectoryOf(layer);
            if (dir is null)
            {
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(dir, candidate));
            if (!File.Exists(path))
            {
                continue;
            }

            string content;
            try
            {
                content = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException(
                    new ConfigProblem($"cannot read the file ({ex.Message}); check that it exists and the service user may read it", path, null),
                    ex);
            }

            // An empty file would replace the lower layers' file with nothing (a half-written file on reload
            // dropped every upstream); nobody means that, so it is refused instead.
            if (!allowEmpty && EmptyDocument.IsEmpty(content))
            {
                throw new ConfigException(new ConfigProblem(EmptyDocument.Message, path, null));
            }

            return new ConfigFileSource(candidate, layer, "file:" + path, content);
        }

        return null;
    }

    private string? DirectoryOf(ConfigLayer layer) => layer switch
    {
        ConfigLayer.Defaults => Directories.DefaultsDir,
        ConfigLayer.Local => Directories.ConfigDir,
        ConfigLayer.Cache => Directories.CacheDir,
        _ => null,
    };

    private static IReadOnlyList<string> CandidateNames(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var normalized = name.Replace('\\', '/');
        if (Path.IsPathRooted(normalized) || normalized.Split('/').Any(segment => segment is ".." or "."))
        {
            throw new ArgumentException($"configuration name '{name}' must be a relative name such as 'server.yml'", nameof(name));
        }

        if (normalized.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            normalized = normalized[..^4];
        }
        else if (normalized.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
        {
            normalized = normalized[..^5];
        }
        else if (Path.GetExtension(normalized) is { Length: > 0 })
        {
            return [normalized];
        }

        return [normalized + ".yml", normalized + ".yaml"];
    }
}
