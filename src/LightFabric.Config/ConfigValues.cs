using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace LightFabric.Config;

/// <summary>
/// The merged values.yml map that placeholders resolve against. Usually flat dotted keys
/// (<c>server.httpPort: 8080</c>); a nested form (<c>server: {httpPort: 8080}</c>) is also found by
/// <c>server.httpPort</c> when no exact flat key exists. Immutable: lookups return copies.
/// Values stay as written (CRYPT values stay encrypted) so the map can be cached to disk as is.
/// </summary>
public sealed class ConfigValues
{
    private readonly FrozenDictionary<string, JsonNode?> _values;
    private readonly FrozenDictionary<string, string> _sources;
    private readonly IReadOnlyList<string> _keys;

    private ConfigValues(IEnumerable<KeyValuePair<string, JsonNode?>> values, IReadOnlyList<string> keys, IEnumerable<KeyValuePair<string, string>> sources)
    {
        _values = values.ToFrozenDictionary(StringComparer.Ordinal);
        _sources = sources.ToFrozenDictionary(StringComparer.Ordinal);
        _keys = keys;
    }

    public static ConfigValues Empty { get; } = new([], [], []);

    public IEnumerable<string> Keys => _keys;

    public int Count => _keys.Count;

    /// <summary>Parses a top-level map (YAML or JSON). An empty document is an empty map.</summary>
    public static ConfigValues Parse(string yamlOrJson, string sourceName)
    {
        var root = ConfigYaml.Parse(yamlOrJson, sourceName);
        return root switch
        {
            null => Empty,
            JsonObject obj => FromObject(obj, sourceName),
            _ => throw new ConfigException(
                "values must be a map of keys to values (for example 'server.httpPort: 8080')", sourceName),
        };
    }

    /// <summary>Builds values from a map; the nodes are copied.</summary>
    /// <param name="sourceName">Where the values came from, as errors name it ("/opt/app/config/values.yml", "config-server values").</param>
    public static ConfigValues FromObject(JsonObject values, string sourceName = "values.yml")
    {
        ArgumentNullException.ThrowIfNull(values);
        var pairs = values.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())).ToList();
        return new ConfigValues(pairs, pairs.Select(p => p.Key).ToArray(), pairs.Select(p => KeyValuePair.Create(p.Key, sourceName)));
    }

    /// <summary>
    /// The source of the value <see cref="TryGet"/> finds for <paramref name="key"/> (for a nested form, the source
    /// of the entry holding it); null when there is none.
    /// </summary>
    public string? SourceOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_sources.TryGetValue(key, out var exact))
        {
            return exact;
        }

        var dot = key.LastIndexOf('.');
        while (dot > 0)
        {
            if (_sources.TryGetValue(key[..dot], out var head) && TryFindNested(key, out _))
            {
                return head;
            }

            dot = key.LastIndexOf('.', dot - 1);
        }

        return null;
    }

    /// <summary>Key by key: a key in <paramref name="higher"/> replaces the whole value of the same key here.</summary>
    public ConfigValues Overlay(ConfigValues higher)
    {
        ArgumentNullException.ThrowIfNull(higher);
        if (higher.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return higher;
        }

        var merged = new Dictionary<string, JsonNode?>(_values, StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(_sources, StringComparer.Ordinal);
        var keys = _keys.ToList();
        foreach (var key in higher._keys)
        {
            if (!merged.ContainsKey(key))
            {
                keys.Add(key);
            }

            merged[key] = higher._values[key];
            if (higher._sources.TryGetValue(key, out var source))
            {
                sources[key] = source;
            }
        }

        return new ConfigValues(merged, keys, sources);
    }

    /// <summary>Exact flat key first, then the nested form. The returned node is a copy the caller may keep or change.</summary>
    public bool TryGet(string key, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_values.TryGetValue(key, out var exact))
        {
            value = exact?.DeepClone();
            return true;
        }

        if (TryFindNested(key, out var nested))
        {
            value = nested?.DeepClone();
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>All values as one map, in key order, for serialising.</summary>
    public JsonObject ToJsonObject()
    {
        var obj = new JsonObject();
        foreach (var key in _keys)
        {
            obj[key] = _values[key]?.DeepClone();
        }

        return obj;
    }

    /// <summary>YAML for writing config-cache/values.yml.</summary>
    public string ToYaml() => ConfigYaml.Write(ToJsonObject());

    // "a.b.c" may be stored as a: {b: {c: ..}}, or "a.b": {c: ..}; try every split, longest flat prefix first.
    private bool TryFindNested(string key, out JsonNode? value)
    {
        var dot = key.LastIndexOf('.');
        while (dot > 0)
        {
            if (_values.TryGetValue(key[..dot], out var head) && head is JsonObject obj
                && TryFindIn(obj, key[(dot + 1)..], out value))
            {
                return true;
            }

            dot = key.LastIndexOf('.', dot - 1);
        }

        value = null;
        return false;
    }

    private static bool TryFindIn(JsonObject obj, string rest, out JsonNode? value)
    {
        if (obj.TryGetPropertyValue(rest, out value))
        {
            return true;
        }

        var dot = rest.IndexOf('.');
        while (dot > 0)
        {
            if (obj.TryGetPropertyValue(rest[..dot], out var child) && child is JsonObject childObj
                && TryFindIn(childObj, rest[(dot + 1)..], out value))
            {
                return true;
            }

            dot = rest.IndexOf('.', dot + 1);
        }

        value = null;
        return false;
    }
}
