using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace LightFabric.Config;

/// <summary>Turns System.Text.Json binding failures into "server.yml: httpPort: expected a whole number, got 'abc'".</summary>
internal static partial class BindingErrors
{
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    public static ConfigProblem Describe(JsonException ex, JsonNode? root, Type target, string fileName, IReadOnlySet<string>? secretPaths)
    {
        var nested = ex as NestedBindingException;
        var segments = PathOf(ex);
        var reported = nested?.OriginalMessage ?? ex.Message;
        var key = string.Concat(segments.Select((s, i) => s.Index is { } index ? $"[{index}]" : i == 0 ? s.Name : "." + s.Name));
        var problemKey = key.Length == 0 ? null : key;

        var ours = reported.StartsWith("expected", StringComparison.Ordinal);
        var expected = ours ? StripPath(reported) : ExpectedText(TypeAt(target, segments));
        if (expected is null)
        {
            return new ConfigProblem($"{StripPath(reported)}; correct the value", fileName, problemKey);
        }

        if (!ours)
        {
            expected = "expected " + expected;
        }

        var got = TryGetNode(root, segments, out var node) ? Shown(node, key, secretPaths) : null;
        var message = got is null ? expected : $"{expected}, got {got}";
        return new ConfigProblem(message, fileName, problemKey);
    }

    /// <summary>The key path of a binding failure as names and list indexes, nested collection paths included.</summary>
    public static List<(string? Name, int? Index)> PathOf(JsonException ex) =>
        ParsePath((ex.Path ?? "$") + (ex as NestedBindingException)?.RelativePath);

    private static List<(string? Name, int? Index)> ParsePath(string? path)
    {
        var segments = new List<(string? Name, int? Index)>();
        if (string.IsNullOrEmpty(path))
        {
            return segments;
        }

        foreach (Match match in PathSegment().Matches(path))
        {
            if (match.Groups["index"].Success)
            {
                segments.Add((null, int.Parse(match.Groups["index"].Value)));
            }
            else if (match.Groups["quoted"].Success)
            {
                segments.Add((match.Groups["quoted"].Value.Replace("''", "'"), null));
            }
            else
            {
                segments.Add((match.Groups["name"].Value, null));
            }
        }

        return segments;
    }

    private static bool TryGetNode(JsonNode? root, List<(string? Name, int? Index)> segments, out JsonNode? node)
    {
        node = root;
        foreach (var (name, index) in segments)
        {
            node = ConfigBinder.Structured(node);
            if (index is { } i && node is JsonArray array && i < array.Count)
            {
                node = array[i];
            }
            else if (name is not null && node is JsonObject obj && TryGetProperty(obj, name, out var child))
            {
                node = child;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    internal static bool TryGetProperty(JsonObject obj, string name, out JsonNode? child)
    {
        if (obj.TryGetPropertyValue(name, out child))
        {
            return true;
        }

        foreach (var (key, value) in obj)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            child = value;
            return true;
        }

        return false;
    }

    private static string Shown(JsonNode? node, string key, IReadOnlySet<string>? secretPaths)
    {
        var lastName = key.Split('.', '[').LastOrDefault(s => s.Length > 0 && !s.EndsWith(']')) ?? "";
        if (secretPaths?.Contains(key) == true || SecretMasker.IsSensitiveKey(lastName))
        {
            return "a value (hidden)";
        }

        return node switch
        {
            null => "nothing (null)",
            JsonArray => "a list",
            JsonObject => "a map",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => $"'{Shorten(value.GetValue<string>())}'",
            _ => Shorten(node.ToJsonString()),
        };
    }

    private static Type? TypeAt(Type root, List<(string? Name, int? Index)> segments)
    {
        var current = root;
        foreach (var (name, index) in segments)
        {
            if (current is null)
            {
                return null;
            }

            current = Nullable.GetUnderlyingType(current) ?? current;
            if (index is not null)
            {
                current = ElementType(current);
            }
            else if (DictionaryValueType(current) is { } valueType)
            {
                current = valueType;
            }
            else
            {
                current = PropertyType(current, name!);
            }
        }

        return current;
    }

    private static Type? PropertyType(Type type, string name)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var jsonName = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? property.Name;
            if (string.Equals(jsonName, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.PropertyType;
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericArguments() is [var element] ? element : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)
            ? type.GetGenericArguments()[1]
            : null;
    }

    private static string? ExpectedText(Type? type)
    {
        if (type is null)
        {
            return null;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "text",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30",
            _ when type == typeof(Uri) => "a URI",
            _ when DictionaryValueType(type) is not null => "a map",
            _ when type.IsArray || type.IsGenericType && ElementType(type) is not null => "a list",
            _ => "a map of settings",
        };
    }

    // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 12." to its own messages.
    private static string StripPath(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
