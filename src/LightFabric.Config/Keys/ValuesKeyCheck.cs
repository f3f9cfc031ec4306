using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.Config;

/// <summary>
/// values.yml keys addressed to a configuration file (<c>mcp-router.server</c> for mcp-router.yml) that no
/// placeholder in any file uses: a typo there silently leaves the template's default in force.
/// </summary>
public static partial class ValuesKeyCheck
{
    [GeneratedRegex(@"\$\{\s*(?<key>[^:}${\s]+)")]
    private static partial Regex PlaceholderKey();

    public static IReadOnlyList<ConfigProblem> Find(ConfigSourceSet sources, ConfigValues values)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(values);
        var files = sources.FileNames().Where(n => n != "values").ToHashSet(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in files)
        {
            ConfigFileSource? source;
            try
            {
                source = sources.Find(name);
            }
            catch (ConfigException)
            {
                continue; // reported where the file is loaded
            }

            if (source is not null)
            {
                AddPlaceholders(source.Content, used);
            }
        }

        // Values may use other values.
        foreach (var key in values.Keys)
        {
            if (values.TryGet(key, out var node))
            {
                AddPlaceholders(node, used);
            }
        }

        var problems = new List<ConfigProblem>();
        foreach (var key in values.Keys)
        {
            var module = key.Split('.')[0];
            if (!files.Contains(module) || !values.TryGet(key, out var node))
            {
                continue;
            }

            Check(key, node, module, values.SourceOf(key), used, problems);
        }

        return problems;
    }

    private static void Check(string key, JsonNode? node, string module, string? source, HashSet<string> used, List<ConfigProblem> problems)
    {
        if (used.Contains(key))
        {
            return;
        }

        var prefix = key + ".";
        if (used.Any(u => u.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // The nested form (mcp-router: {servers: ...}) is found key by key.
            if (node is JsonObject nested)
            {
                foreach (var (child, value) in nested)
                {
                    Check(prefix + child, value, module, source, used, problems);
                }
            }

            return;
        }

        var siblings = used.Where(u => u.StartsWith(module + ".", StringComparison.Ordinal)).ToArray();
        var hint = NearestKey.Find(key, siblings) is { } nearest ? $"; did you mean {nearest}?" : "";
        problems.Add(new ConfigProblem(
            $"unknown key: no placeholder ${{{key}}} in {module}.yml or any other file, so this value is not used{hint}",
            source ?? "values.yml", key));
    }

    private static void AddPlaceholders(string text, HashSet<string> used)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return;
        }

        foreach (Match match in PlaceholderKey().Matches(text))
        {
            used.Add(match.Groups["key"].Value);
        }
    }

    private static void AddPlaceholders(JsonNode? node, HashSet<string> used)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    AddPlaceholders(child, used);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    AddPlaceholders(child, used);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                AddPlaceholders(value.GetValue<string>(), used);
                break;
        }
    }
}
