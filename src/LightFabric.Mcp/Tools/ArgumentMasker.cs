using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.Mcp.Tools;

/// <summary>
/// Applies the gateway-private schema keywords of a configured tool to its arguments before they leave the
/// gateway: a value whose schema says <c>x-mask: true</c> becomes <c>"******"</c>; a string whose schema has
/// <c>x-mask-pattern</c> keeps everything but the matches. Follows properties, patternProperties,
/// additionalProperties, items, prefixItems, allOf/anyOf/oneOf and local <c>$ref</c>s, to a bounded depth.
/// </summary>
public static class ArgumentMasker
{
    public const string Mask = "******";
    private const int MaxDepth = 32;

    /// <summary>The arguments with masked values replaced (a new tree; the input is not changed).</summary>
    public static JsonObject Apply(JsonObject schema, JsonObject arguments) =>
        (JsonObject)Walk(schema, schema, arguments.DeepClone(), 0)!;

    private static JsonNode? Walk(JsonObject root, JsonObject schema, JsonNode? value, int depth)
    {
        if (depth > MaxDepth || value is null)
        {
            return value;
        }

        if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer) && Resolve(root, pointer) is { } target)
        {
            value = Walk(root, target, value, depth + 1);
        }

        if (schema["x-mask"] is JsonValue mask && mask.TryGetValue<bool>(out var masked) && masked)
        {
            return Mask;
        }

        if (schema["x-mask-pattern"] is JsonValue patternValue && patternValue.TryGetValue<string>(out var pattern)
            && value is JsonValue text && text.TryGetValue<string>(out var plain))
        {
            try
            {
                // NonBacktracking is linear-time; the timeout only bounds huge values, and is wide enough that a cold
                // matcher's first run on a busy machine does not trip it.
                return Regex.Replace(plain, pattern, Mask, RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
            {
                // A pattern .NET cannot run safely, or a match that ran out of time: mask the whole value rather than
                // leak it (or fail the call).
                return Mask;
            }
        }

        foreach (var keyword in (string[])["allOf", "anyOf", "oneOf"])
        {
            if (schema[keyword] is JsonArray branches)
            {
                foreach (var branch in branches.OfType<JsonObject>())
                {
                    value = Walk(root, branch, value, depth + 1);
                }
            }
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToArray())
                {
                    foreach (var sub in PropertySchemas(schema, name))
                    {
                        obj[name] = Walk(root, sub, obj[name]?.DeepClone(), depth + 1);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var itemSchema = schema["prefixItems"] is JsonArray prefix && i < prefix.Count ? prefix[i] as JsonObject : schema["items"] as JsonObject;
                    if (itemSchema is not null)
                    {
                        array[i] = Walk(root, itemSchema, array[i]?.DeepClone(), depth + 1);
                    }
                }

                break;
        }

        return value;
    }

    private static IEnumerable<JsonObject> PropertySchemas(JsonObject schema, string name)
    {
        var found = false;
        if (schema["properties"]?[name] is JsonObject property)
        {
            found = true;
            yield return property;
        }

        if (schema["patternProperties"] is JsonObject patterns)
        {
            foreach (var (pattern, sub) in patterns)
            {
                if (sub is JsonObject subSchema && Matches(pattern, name))
                {
                    found = true;
                    yield return subSchema;
                }
            }
        }

        if (!found && schema["additionalProperties"] is JsonObject additional)
        {
            yield return additional;
        }
    }

    private static bool Matches(string pattern, string name)
    {
        try
        {
            return Regex.IsMatch(name, pattern, RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(50));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A local JSON Pointer (<c>#/$defs/card</c>) into the root schema.</summary>
    private static JsonObject? Resolve(JsonObject root, string pointer)
    {
        if (!pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            return pointer == "#" ? root : null;
        }

        JsonNode? node = root;
        foreach (var part in pointer[2..].Split('/'))
        {
            node = node?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node as JsonObject;
    }
}
