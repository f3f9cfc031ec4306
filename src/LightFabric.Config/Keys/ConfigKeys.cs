using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LightFabric.Config;

/// <summary>
/// The keys a configuration file may hold, nested: a map of known keys, a list of items, a map with free
/// names (env, headers), or anything (values and free-form blocks). A typed record's keys come from the
/// record itself (<see cref="For{T}"/>); a hand-written reader declares its own next to the code that reads it.
/// Keys compare without case, as the binder does.
/// </summary>
public sealed class ConfigKeys
{
    private static readonly ConcurrentDictionary<Type, ConfigKeys> ByType = new();

    private readonly IReadOnlyDictionary<string, ConfigKeys>? _known;
    private readonly ConfigKeys? _items;
    private readonly Shape _shape;

    private ConfigKeys(Shape shape, IReadOnlyDictionary<string, ConfigKeys>? known = null, ConfigKeys? items = null)
    {
        _shape = shape;
        _known = known;
        _items = items;
    }

    private enum Shape
    {
        Any,
        Map,
        MapOf,
        ListOf,
    }

    /// <summary>Any value; nothing below it is checked.</summary>
    public static ConfigKeys Any { get; } = new(Shape.Any);

    /// <summary>A map with exactly these keys; each string key holds any value.</summary>
    public static ConfigKeys Map(params object[] keys)
    {
        var known = new Dictionary<string, ConfigKeys>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            switch (key)
            {
                case string name:
                    known[name] = Any;
                    break;
                case ValueTuple<string, ConfigKeys>(var name, var child):
                    known[name] = child;
                    break;
                default:
                    throw new ArgumentException("keys are names or (name, ConfigKeys) pairs", nameof(keys));
            }
        }

        return new ConfigKeys(Shape.Map, known);
    }

    /// <summary>A list whose items have these keys.</summary>
    public static ConfigKeys ListOf(ConfigKeys item) => new(Shape.ListOf, items: item);

    /// <summary>A map with names of the user's choice whose values have these keys.</summary>
    public static ConfigKeys MapOf(ConfigKeys value) => new(Shape.MapOf, items: value);

    /// <summary>The keys a record binds (through <see cref="ConfigBinder"/>), nested records, lists and maps included.</summary>
    public static ConfigKeys For<T>() => For(typeof(T));

    public static ConfigKeys For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (ByType.TryGetValue(type, out var cached))
        {
            return cached;
        }
        // A recursive record is checked down to the level where it repeats.
        ByType[type] = Any;
        var keys = Derive(type);
        ByType[type] = keys;
        return keys;
    }

    /// <summary>This map with more keys (the ones a reader takes besides its record's).</summary>
    public ConfigKeys With(params object[] keys)
    {
        if (_shape != Shape.Map)
        {
            throw new InvalidOperationException("only a map of known keys can take more keys");
        }

        var merged = new Dictionary<string, ConfigKeys>(_known!, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, child) in ((ConfigKeys)Map(keys))._known!)
        {
            merged[name] = child;
        }

        return new ConfigKeys(Shape.Map, merged);
    }

    /// <summary>Every key of <paramref name="root"/> this schema does not know, with the nearest known key when one is close.</summary>
    public IReadOnlyList<ConfigProblem> FindUnknown(JsonNode? root, string file)
    {
        var problems = new List<ConfigProblem>();
        Walk(root, "", problems, file);
        return problems;
    }

    private void Walk(JsonNode? node, string path, List<ConfigProblem> problems, string file)
    {
        if (_shape == Shape.Any)
        {
            return;
        }

        node = ConfigBinder.Structured(node);
        switch (_shape)
        {
            case Shape.Map when node is JsonObject map:
                foreach (var (key, child) in map)
                {
                    var childPath = ConfigPath.Child(path, key);
                    if (_known!.TryGetValue(key, out var keys))
                    {
                        keys.Walk(child, childPath, problems, file);
                    }
                    else
                    {
                        problems.Add(new ConfigProblem(UnknownKeyMessage(key, _known.Keys), file, childPath));
                    }
                }

                break;
            case Shape.MapOf when node is JsonObject map:
                foreach (var (key, child) in map)
                {
                    _items!.Walk(child, ConfigPath.Child(path, key), problems, file);
                }

                break;
            case Shape.ListOf when node is JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    _items!.Walk(list[i], ConfigPath.Index(path, i), problems, file);
                }

                break;
        }
    }

    /// <summary>"unknown key; did you mean servers?" or, with nothing close, the keys there are.</summary>
    public static string UnknownKeyMessage(string key, IEnumerable<string> known)
    {
        var candidates = known.ToArray();
        return NearestKey.Find(key, candidates) is { } nearest
            ? $"unknown key; did you mean {nearest}?"
            : candidates.Length == 0
                ? "unknown key; this map takes no keys"
                : $"unknown key; known keys: {string.Join(", ", candidates.Order(StringComparer.Ordinal))}";
    }

    private static ConfigKeys Derive(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement) || type == typeof(object))
        {
            return Any;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return MapOf(For(valueType));
        }

        if (ElementType(type) is { } elementType)
        {
            return ListOf(For(elementType));
        }

        var info = ConfigBinder.Options.GetTypeInfo(type);
        if (info.Kind != JsonTypeInfoKind.Object || info.Properties.Any(p => p.IsExtensionData))
        {
            return Any;
        }

        var known = new Dictionary<string, ConfigKeys>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in info.Properties)
        {
            var keys = For(property.PropertyType);
            known[DisplayName(property)] = keys;
            foreach (var alias in WrittenForms.Aliases(property))
            {
                known[alias] = keys;
            }
        }

        return new ConfigKeys(Shape.Map, known);
    }

    // Files are written in camelCase; a name given with [JsonPropertyName] is shown as given.
    private static string DisplayName(JsonPropertyInfo property)
    {
        var named = property.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), inherit: false) == true;
        return named || property.Name.Length == 0 ? property.Name : char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                return candidate.GetGenericArguments()[1];
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

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in type.GetInterfaces().Prepend(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return typeof(object);
    }
}
