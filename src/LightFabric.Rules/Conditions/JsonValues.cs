using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Rules.Conditions;

/// <summary>Typed reads and comparisons over <see cref="JsonNode"/> values, the way native conditions see them.</summary>
internal static class JsonValues
{
    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static bool TryString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        value = "";
        return false;
    }

    public static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
            double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The text form of a scalar (strings unquoted, numbers and booleans as JSON), or null for null/objects/arrays.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>Orders two numbers or two strings (ordinal); null when the kinds cannot be ordered.</summary>
    public static int? Compare(JsonNode? a, JsonNode? b)
    {
        if (TryNumber(a, out var x) && TryNumber(b, out var y))
        {
            return x.CompareTo(y);
        }

        if (TryString(a, out var s) && TryString(b, out var t))
        {
            return string.CompareOrdinal(s, t);
        }

        return null;
    }

    /// <summary>The length of a string (UTF-16 units), array or object.</summary>
    public static int? Length(JsonNode? node) => node switch
    {
        JsonArray a => a.Count,
        JsonObject o => o.Count,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length,
        _ => null,
    };

    /// <summary>A list operand: a JSON array, or a string split on commas (trimmed; empty entries dropped).</summary>
    public static IReadOnlyList<JsonNode?>? AsList(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray a:
                return [.. a];
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var parts = v.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return [.. parts.Select(p => (JsonNode?)JsonValue.Create(p))];
            default:
                return null;
        }
    }

    /// <summary>A timestamp from an ISO 8601 string or epoch milliseconds.</summary>
    public static bool TryDate(JsonNode? node, out DateTimeOffset value)
    {
        if (TryString(node, out var s))
        {
            return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value);
        }

        if (TryNumber(node, out var ms) && ms is >= -62135596800000d and <= 253402300799999d)
        {
            value = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            return true;
        }

        value = default;
        return false;
    }
}
