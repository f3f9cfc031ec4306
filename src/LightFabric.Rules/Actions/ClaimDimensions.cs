using System.Text.Json.Nodes;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Actions;

/// <summary>
/// Reads caller claims from the rule context (<c>auditInfo.subject_claims.ClaimsMap</c>) by dimension:
/// role (<c>role</c>, <c>roles</c>), group (<c>group</c>, <c>grp</c>, <c>groups</c>), position (<c>position</c>,
/// <c>pos</c>, <c>positions</c>), attribute (<c>attribute</c>, <c>att</c>, <c>attributes</c>) and user (<c>user</c>,
/// <c>user_id</c>, <c>uid</c>, <c>sub</c>), plus any configured claim mappings.
/// </summary>
public static class ClaimDimensions
{
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase)
    {
        ["role"] = "role",
        ["roles"] = "role",
        ["group"] = "group",
        ["grp"] = "group",
        ["groups"] = "group",
        ["position"] = "position",
        ["pos"] = "position",
        ["positions"] = "position",
        ["attribute"] = "attribute",
        ["att"] = "attribute",
        ["attributes"] = "attribute",
        ["user"] = "user",
        ["users"] = "user",
        ["user_id"] = "user",
        ["uid"] = "user",
        ["sub"] = "user",
    };

    private static readonly Dictionary<string, string[]> Claims = new(StringComparer.Ordinal)
    {
        ["role"] = ["role", "roles"],
        ["group"] = ["group", "grp", "groups"],
        ["position"] = ["position", "pos", "positions"],
        ["attribute"] = ["attribute", "att", "attributes"],
        ["user"] = ["user", "user_id", "uid", "sub"],
    };

    /// <summary>The claims object of the context, or null.</summary>
    public static JsonObject? ClaimsOf(JsonObject context) =>
        context["auditInfo"] is JsonObject a && a["subject_claims"] is JsonObject s && s["ClaimsMap"] is JsonObject c ? c : null;

    /// <summary>The canonical dimension of a permission key (<c>grp</c> → <c>group</c>); unknown keys stay as they are.</summary>
    public static string CanonicalDimension(string key) => Canonical.TryGetValue(key, out var c) ? c : key;

    /// <summary>The claim names read for <paramref name="dimension"/>.</summary>
    public static IReadOnlyList<string> ClaimNames(string dimension, RuleEngineOptions options)
    {
        var canonical = CanonicalDimension(dimension);
        var names = new List<string>(Claims.TryGetValue(canonical, out var known) ? known : [dimension]);
        foreach (var (key, mapped) in options.ClaimMappings)
        {
            if (CanonicalDimension(key) == canonical)
            {
                names.AddRange(mapped);
            }
        }

        return names;
    }

    /// <summary>The caller's values for <paramref name="dimension"/> (strings split on spaces and commas, arrays flattened).</summary>
    public static IReadOnlyList<string> Values(JsonObject context, string dimension, RuleEngineOptions options)
    {
        var claims = ClaimsOf(context);
        if (claims is null)
        {
            return [];
        }

        var result = new List<string>();
        foreach (var name in ClaimNames(dimension, options))
        {
            if (claims.TryGetPropertyValue(name, out var v))
            {
                foreach (var s in PermissionValues.Split(v))
                {
                    if (!result.Contains(s))
                    {
                        result.Add(s);
                    }
                }
            }
        }

        return result;
    }
}

/// <summary>Reads multi-valued permission and claim values: a space- or comma-separated string, a JSON-array string, or an array.</summary>
public static class PermissionValues
{
    private static readonly char[] Separators = [' ', ',', '\t', '\n', '\r'];

    public static IReadOnlyList<string> Split(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return [];
            case JsonArray a:
                return [.. a.Select(JsonValues.ScalarText).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim())];
            case JsonValue when JsonValues.TryString(node, out var s):
                var t = s.Trim();
                if (t.StartsWith('[') && TryParseArray(t, out var parsed))
                {
                    return Split(parsed);
                }

                return t.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            default:
                var text = JsonValues.ScalarText(node);
                return text is null ? [] : [text];
        }
    }

    internal static bool TryParseArray(string text, out JsonArray array)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonArray a)
            {
                array = a;
                return true;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        array = null!;
        return false;
    }
}
