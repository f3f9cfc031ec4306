using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>
/// Takes the value a binding failure points at out of the tree, so the next attempt binds everything else: a map key
/// is removed (the record keeps its default), a list entry becomes null (the list keeps its indexes, so later problems
/// still name the entry the user wrote). A path that reaches into a value given as text (a JSON list in a string)
/// removes that text.
/// </summary>
internal static class FailedValueRemoval
{
    public static bool Remove(JsonNode tree, IReadOnlyList<(string? Name, int? Index)> path)
    {
        if (path.Count == 0)
        {
            return false;
        }

        // Walk as far as the tree goes; the deepest value on the path is the one removed.
        var parents = new List<(JsonNode Parent, (string? Name, int? Index) Step)>();
        var current = (JsonNode?)tree;
        foreach (var step in path)
        {
            if (current is null || !TryStep(current, step, out var child))
            {
                break;
            }

            parents.Add((current, step));
            current = child;
        }

        // A list entry that is already null and still fails (a list of numbers) takes its list with it.
        for (var i = parents.Count - 1; i >= 0; i--)
        {
            var (parent, (name, index)) = parents[i];
            if (parent is JsonObject map && name is not null && FindKey(map, name) is { } key)
            {
                map.Remove(key);
                return true;
            }

            if (parent is JsonArray list && index is { } at && list[at] is not null)
            {
                list[at] = null;
                return true;
            }
        }

        return false;
    }

    private static bool TryStep(JsonNode node, (string? Name, int? Index) step, out JsonNode? child)
    {
        child = null;
        if (step.Index is { } index)
        {
            if (node is JsonArray array && index < array.Count)
            {
                child = array[index];
                return true;
            }

            return false;
        }

        return node is JsonObject map && step.Name is not null && BindingErrors.TryGetProperty(map, step.Name, out child);
    }

    private static string? FindKey(JsonObject map, string name)
    {
        if (map.ContainsKey(name))
        {
            return name;
        }

        return map.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
    }
}
