using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Catalog;

/// <summary>The tools one upstream server currently offers, with how they are published.</summary>
public sealed record UpstreamToolSource(UpstreamServerEntry Entry, IReadOnlyList<JsonObject> Tools);

/// <summary>
/// Merges configured tools and the lists of every upstream into one <see cref="ToolCatalog"/>, applying
/// include/exclude filters and the prefix mode. Configured tools keep their names; upstream tools are
/// prefixed as the mode says. A name that is still taken twice is reported (naming both owners) and only
/// the first owner keeps it.
/// </summary>
public static class ToolCatalogBuilder
{
    public const char PrefixSeparator = '_';

    public static ToolCatalog Build(
        IReadOnlyList<ConfiguredTool> configured,
        IReadOnlyList<UpstreamToolSource> upstreams,
        ToolPrefixMode mode,
        List<string> collisions)
    {
        var tools = new List<CatalogTool>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var tool in configured)
        {
            if (owners.TryAdd(tool.Name, "the tools list"))
            {
                tools.Add(new CatalogTool(tool.Name, ConfiguredToolDefinition.Create(tool), new ConfiguredToolTarget(tool)));
            }
        }

        var offered = upstreams
            .Select(u => (u.Entry, Tools: Distinct(u.Tools).Where(t => u.Entry.Filter.Allows(NameOf(t)!)).ToArray()))
            .ToArray();

        // How many sources offer each original name; conditional mode prefixes exactly the shared ones.
        var sources = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in configured.Select(t => t.Name).Concat(offered.SelectMany(o => o.Tools.Select(t => NameOf(t)!))))
        {
            sources[name] = sources.GetValueOrDefault(name) + 1;
        }

        foreach (var (entry, offeredTools) in offered)
        {
            foreach (var definition in offeredTools)
            {
                var original = NameOf(definition)!;
                var prefixed = mode switch
                {
                    ToolPrefixMode.Always => true,
                    ToolPrefixMode.Conditional => sources[original] > 1,
                    _ => false,
                };
                var name = prefixed ? entry.Prefix + PrefixSeparator + original : original;
                var owner = $"server '{entry.Settings.Name}'";
                if (!owners.TryAdd(name, owner))
                {
                    collisions.Add(
                        $"tool name '{name}' of {owner} collides with the tool of {owners[name]} (prefixMode {mode.ToString().ToLowerInvariant()}); " +
                        "set a different prefix, use prefixMode conditional or always, or leave one out with tools.exclude");
                    continue;
                }

                var published = (JsonObject)definition.DeepClone();
                published["name"] = name;
                tools.Add(new CatalogTool(name, published, new UpstreamToolTarget(entry.Settings.Name, original)));
            }
        }

        return new ToolCatalog(tools);
    }

    private static string? NameOf(JsonObject tool) =>
        tool["name"] is JsonValue value && value.TryGetValue<string>(out var name) && name.Length > 0 ? name : null;

    /// <summary>Drops nameless entries and repeats within one server's list (first wins).</summary>
    private static IEnumerable<JsonObject> Distinct(IReadOnlyList<JsonObject> tools)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (NameOf(tool) is { } name && seen.Add(name))
            {
                yield return tool;
            }
        }
    }
}
