using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LightFabric.Config;

/// <summary>
/// Binds resolved configuration trees to typed records with System.Text.Json, accepting the looser forms
/// configuration arrives in: property names in any case, numbers and booleans as strings, lists as YAML
/// lists, JSON strings or comma lists, maps as YAML maps or JSON strings, enums by name in any case.
/// </summary>
public static class ConfigBinder
{
    private static readonly Lazy<JsonSerializerOptions> LazyOptions = new(CreateOptions);

    /// <summary>Shared, read-only. Copy with <c>new JsonSerializerOptions(ConfigBinder.Options)</c> to extend.</summary>
    public static JsonSerializerOptions Options => LazyOptions.Value;

    /// <summary>Binds a tree; an absent (null) tree binds an object type to its defaults.</summary>
    public static T Bind<T>(JsonNode? node, string fileName) => Bind<T>(node, fileName, null);

    internal static T Bind<T>(JsonNode? node, string fileName, IReadOnlySet<string>? secretPaths)
    {
        var kind = Options.GetTypeInfo(typeof(T)).Kind;
        if (node is null && kind == JsonTypeInfoKind.Object)
        {
            node = new JsonObject();
        }

        if (node is not null)
        {
            node = node.DeepClone();
            WrittenForms.Apply(node, typeof(T));
        }

        T? result;
        try
        {
            result = node.Deserialize<T>(Options);
        }
        catch (JsonException ex)
        {
            throw new ConfigException([BindingErrors.Describe(ex, node, typeof(T), fileName, secretPaths)]);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new ConfigException($"cannot be read as {typeof(T).Name}: {ex.Message}", fileName);
        }

        return result ?? throw new ConfigException($"is empty; expected {typeof(T).Name}", fileName);
    }

    /// <summary>
    /// Binds a map to a record, reporting every value that does not bind (all of them, not only the first) and leaving
    /// each at its default, so validators can still report what is wrong elsewhere. A failing value inside a list entry
    /// or a nested map is removed alone; a list entry that does not bind at all is left null (already reported).
    /// </summary>
    public static T BindEach<T>(JsonObject node, string fileName, IReadOnlySet<string>? secretPaths, List<ConfigProblem> problems)
    {
        var typeInfo = Options.GetTypeInfo(typeof(T));
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            throw new InvalidOperationException($"{typeof(T).Name} is not a record of keys");
        }

        // Each round removes at least one value, so this ends; the bound only guards against a converter that
        // reports a path the tree does not have.
        var tree = (JsonObject)node.DeepClone();
        WrittenForms.Apply(tree, typeof(T));
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < MaxBindRounds; round++)
        {
            try
            {
                return tree.Deserialize<T>(Options) ?? throw new ConfigException($"is empty; expected {typeof(T).Name}", fileName);
            }
            catch (JsonException ex)
            {
                // A list entry set to null that fails again (a list of numbers) was reported the first time.
                var path = BindingErrors.PathOf(ex);
                if (reported.Add(string.Join('/', path)))
                {
                    problems.Add(BindingErrors.Describe(ex, tree, typeof(T), fileName, secretPaths));
                }

                if (!FailedValueRemoval.Remove(tree, path))
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or FormatException)
            {
                throw new ConfigException($"cannot be read as {typeof(T).Name}: {ex.Message}", fileName);
            }
        }

        return Bind<T>(new JsonObject(), fileName, secretPaths);
    }

    private const int MaxBindRounds = 1000;

    /// <summary>A YAML list, a JSON-array (or YAML flow) string, or a comma list, as strings; null or empty is [].</summary>
    public static IReadOnlyList<string> StringList(JsonNode? node)
    {
        var list = node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => ListNode(value.GetValue<string>()),
            _ => node,
        };
        return list switch
        {
            null => [],
            JsonArray array => array.Select(ScalarText).Where(s => s is not null).Select(s => s!).ToArray(),
            _ => ScalarText(list) is { } single ? [single] : [],
        };
    }

    /// <summary>A string holding a JSON array/object or YAML flow collection is parsed into nodes; anything else is returned as is.</summary>
    public static JsonNode? Structured(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return node;
        }

        var text = value.GetValue<string>().Trim();
        if (!(text.StartsWith('[') || text.StartsWith('{')))
        {
            return node;
        }

        return ConfigYaml.TryParseFlow(text, out var parsed) ? parsed : node;
    }

    /// <summary>A list given as text: "[a, b]" or '["a","b"]' parsed, "a, b" split on commas, "" empty.</summary>
    internal static JsonNode? ListNode(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return new JsonArray();
        }

        if (trimmed.StartsWith('['))
        {
            if (ConfigYaml.TryParseFlow(trimmed, out var parsed))
            {
                return parsed;
            }

            throw new JsonException($"'{Shorten(trimmed)}' looks like a list but is not valid JSON or YAML");
        }

        var items = trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new JsonArray(items.Select(item => (JsonNode?)JsonValue.Create(item)).ToArray());
    }

    private static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new FlexibleCollectionConverterFactory());
        options.Converters.Add(new LenientStringConverter());
        options.Converters.Add(new LenientBooleanConverter());
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
