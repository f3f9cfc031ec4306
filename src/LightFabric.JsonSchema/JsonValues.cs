using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema;

/// <summary>JSON value helpers with JSON Schema semantics: kinds, numbers and a hash matching <see cref="JsonNode.DeepEquals"/> (1 equals 1.0).</summary>
internal static class JsonValues
{
    public static JsonValueKind Kind(JsonNode? node) => node switch
    {
        null => JsonValueKind.Null,
        JsonObject => JsonValueKind.Object,
        JsonArray => JsonValueKind.Array,
        _ => node.GetValueKind(),
    };

    public static bool TryNumber(JsonNode? node, out JsonNumber number)
    {
        number = default;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        // The JSON text is the one representation every backing type (element, int, double, decimal…) shares.
        var text = value.ToJsonString();
        decimal? exact = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        var approximate = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN;
        number = new JsonNumber(exact, approximate);
        return true;
    }

    /// <summary>A hash consistent with <see cref="JsonNode.DeepEquals"/>, the equality JSON Schema uses (property order and number spelling do not matter).</summary>
    public static int Hash(JsonNode? node)
    {
        switch (Kind(node))
        {
            case JsonValueKind.Null:
                return 1;
            case JsonValueKind.True:
                return 2;
            case JsonValueKind.False:
                return 3;
            case JsonValueKind.String:
                return StringComparer.Ordinal.GetHashCode(node!.GetValue<string>());
            case JsonValueKind.Number:
                // Doubles are equal whenever the decimals are, so the double's hash is consistent either way.
                return TryNumber(node, out var n) ? n.Approximate.GetHashCode() : 4;
            case JsonValueKind.Array:
                var hash = new HashCode();
                foreach (var item in node!.AsArray())
                {
                    hash.Add(Hash(item));
                }

                return hash.ToHashCode();
            case JsonValueKind.Object:
                var sum = 5;
                foreach (var (name, value) in node!.AsObject())
                {
                    sum += HashCode.Combine(StringComparer.Ordinal.GetHashCode(name), Hash(value));
                }

                return sum;
            default:
                return 0;
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Undefined => "nothing",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>A short rendering of a value for an error message.</summary>
    public static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }
}
