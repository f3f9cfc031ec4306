using System.Text.Json.Nodes;

namespace LightFabric.Rules.Actions;

/// <summary>
/// The rows of an array-like response: a top-level array, the <c>items</c> array of an object, or a single object
/// (one row). Filters edit the rows in place.
/// </summary>
internal static class ResponseRows
{
    public static bool TryGet(JsonNode? response, out JsonArray? rows, out JsonObject? single)
    {
        rows = null;
        single = null;
        switch (response)
        {
            case JsonArray a:
                rows = a;
                return true;
            case JsonObject o when o["items"] is JsonArray items:
                rows = items;
                return true;
            case JsonObject o:
                single = o;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a permission sub-block that may arrive as an object or as a JSON string.</summary>
    public static JsonObject? Block(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            return o;
        }

        if (node is JsonValue v && Conditions.JsonValues.TryString(v, out var s) && s.TrimStart().StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(s) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The entries of <paramref name="block"/> (<c>dimension → claim value → setting</c>) that match the caller's claims.</summary>
    public static List<(string Dimension, string ClaimValue, JsonNode? Setting)> Matching(JsonObject block, JsonObject context, RuleEngineOptions options)
    {
        var matched = new List<(string, string, JsonNode?)>();
        foreach (var (dimension, byValue) in block)
        {
            if (Block(byValue) is not { } values)
            {
                continue;
            }

            foreach (var claim in ClaimDimensions.Values(context, dimension, options))
            {
                if (values.TryGetPropertyValue(claim, out var setting))
                {
                    matched.Add((dimension, claim, setting));
                }
            }
        }

        return matched;
    }
}
