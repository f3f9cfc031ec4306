using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LightFabric.Config;

/// <summary>
/// Brings a tree into the shape its record binds from, at every depth, before binding: a key written under a
/// <see cref="ConfigAliasAttribute"/> takes its property's name (the property's own name wins when both are there),
/// a list, map or settings block written as JSON text (config-server, environment variables) is parsed, and a settings
/// block left empty ("" from a placeholder with an empty default) is dropped, so it keeps its defaults, and a block
/// written in its <see cref="ConfigShorthandAttribute"/> form is wrapped into the full one.
/// </summary>
internal static class WrittenForms
{
    public static void Apply(JsonNode? node, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        switch (node)
        {
            case JsonObject map when MapValueType(type) is { } valueType:
                foreach (var key in map.Select(p => p.Key).ToList())
                {
                    Child(map, key, valueType);
                }

                break;
            case JsonArray list when ElementType(type) is { } elementType:
                for (var i = 0; i < list.Count; i++)
                {
                    if (Parsed(list[i], elementType) is { } parsed)
                    {
                        list[i] = parsed;
                    }

                    if (Expanded(list[i], elementType) is { } expanded)
                    {
                        list[i] = expanded;
                    }

                    Apply(list[i], elementType);
                }

                break;
            case JsonObject record when IsRecord(type):
                foreach (var property in ConfigBinder.Options.GetTypeInfo(type).Properties)
                {
                    Rename(record, property);
                    if (Key(record, property.Name) is { } own)
                    {
                        Child(record, own, property.PropertyType);
                    }
                }

                break;
        }
    }

    public static IEnumerable<string> Aliases(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(ConfigAliasAttribute), inherit: false).Cast<ConfigAliasAttribute>().Select(a => a.Name) ?? [];

    private static void Child(JsonObject parent, string key, Type type)
    {
        if (Parsed(parent[key], type) is { } parsed)
        {
            parent[key] = parsed;
        }

        if (IsRecord(Nullable.GetUnderlyingType(type) ?? type) && parent[key] is JsonValue value
            && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Trim().Length == 0)
        {
            parent.Remove(key);
            return;
        }

        if (Expanded(parent[key], type) is { } expanded)
        {
            parent[key] = expanded;
        }

        Apply(parent[key], type);
    }

    private static void Rename(JsonObject record, JsonPropertyInfo property)
    {
        if (Key(record, property.Name) is not null)
        {
            return;
        }

        foreach (var alias in Aliases(property))
        {
            if (Key(record, alias) is { } written)
            {
                var value = record[written];
                record.Remove(written);
                record[CamelCase(property.Name)] = value;
                return;
            }
        }
    }

    // A collection or settings block written as JSON text, parsed; null when the node is not such text.
    private static JsonNode? Parsed(JsonNode? node, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is not JsonValue || !(IsRecord(type) || MapValueType(type) is not null || ElementType(type) is not null))
        {
            return null;
        }

        var structured = ConfigBinder.Structured(node);
        return ReferenceEquals(structured, node) ? null : structured;
    }

    // A value written in a block's shorthand form, wrapped into the block; null when the type has none or the value is a map.
    private static JsonObject? Expanded(JsonNode? node, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is null or JsonObject || type.GetCustomAttributes(typeof(ConfigShorthandAttribute), inherit: false) is not [ConfigShorthandAttribute shorthand])
        {
            return null;
        }

        return new JsonObject { [shorthand.Property] = node.DeepClone() };
    }

    private static bool IsRecord(Type type) =>
        !type.IsPrimitive && !type.IsEnum && type != typeof(string) && type != typeof(object) && !typeof(JsonNode).IsAssignableFrom(type)
        && type != typeof(JsonElement) && MapValueType(type) is null && ElementType(type) is null
        && ConfigBinder.Options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Object;

    private static string? Key(JsonObject record, string name) =>
        record.ContainsKey(name) ? name : record.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));

    private static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static Type? MapValueType(Type type) =>
        type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            ? value
            : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var element] ? element
        : null;
}
