using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Cel.Runtime;

/// <summary>
/// Views of <see cref="JsonElement"/> data as CEL values. Objects and arrays convert their members on first access
/// and keep the result, so repeated evaluations over the same document allocate nothing.
/// </summary>
public static class JsonCelValues
{
    public static CelValue FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsonObjectMap(element),
        JsonValueKind.Array => new JsonArrayList(element),
        JsonValueKind.String => CelString.Of(element.GetString()!),
        JsonValueKind.Number => FromNumber(element),
        JsonValueKind.True => CelBool.True,
        JsonValueKind.False => CelBool.False,
        _ => CelNull.Instance,
    };

    /// <summary>A <see cref="JsonNode"/> as a CEL value; objects and arrays convert their members on first access.</summary>
    public static CelValue FromNode(JsonNode? node) => node switch
    {
        null => CelNull.Instance,
        JsonObject o => LazyStringKeyMap.Over(o),
        JsonArray a => LazyList.Over(a),
        JsonValue v when v.TryGetValue<JsonElement>(out var el) => FromElement(el),
        JsonValue v => CelValueConverter.FromClr(v.GetValue<object>()),
        _ => CelNull.Instance,
    };

    private static CelValue FromNumber(JsonElement element)
    {
        // Integral JSON numbers become int; others (or ints beyond 64 bits) become double.
        if (element.TryGetInt64(out var l))
        {
            return CelInt.Of(l);
        }

        return CelDouble.Of(element.GetDouble());
    }
}

/// <summary>A JSON object as a CEL map with string keys; members are converted lazily and cached.</summary>
internal sealed class JsonObjectMap : CelMap
{
    private const int LinearCacheLimit = 16;

    private readonly JsonElement _element;
    private KeyValuePair<string, CelValue>[] _small = [];
    private System.Collections.Concurrent.ConcurrentDictionary<string, CelValue>? _large;
    private int _count = -1;

    public JsonObjectMap(JsonElement element) => _element = element;

    public override int Count
    {
        get
        {
            if (_count < 0)
            {
                var n = 0;
                foreach (var unused in _element.EnumerateObject())
                {
                    n++;
                }

                _count = n;
            }

            return _count;
        }
    }

    public override IEnumerable<CelValue> Keys
    {
        get
        {
            foreach (var p in _element.EnumerateObject())
            {
                yield return CelString.Of(p.Name);
            }
        }
    }

    public override bool TryGetValue(CelValue key, out CelValue value)
    {
        if (key is CelString s)
        {
            return TryGetField(s.Value, out value);
        }

        value = null!;
        return false;
    }

    public override bool TryGetField(string name, out CelValue value)
    {
        // Lock-free read of the members converted so far; a miss converts once and publishes the result.
        var small = Volatile.Read(ref _small);
        foreach (var entry in small)
        {
            if (string.Equals(entry.Key, name, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        var large = Volatile.Read(ref _large);
        if (large is not null && large.TryGetValue(name, out value!))
        {
            return true;
        }

        if (!TryGetProperty(name, out var child))
        {
            value = null!;
            return false;
        }

        value = JsonCelValues.FromElement(child);
        Publish(name, value);
        return true;
    }

    private bool TryGetProperty(string name, out JsonElement child)
    {
        try
        {
            return _element.TryGetProperty(name, out child);
        }
        catch (ArgumentException)
        {
            // A name that is not valid UTF-16 (a lone surrogate) cannot name a JSON member.
            child = default;
            return false;
        }
    }

    private void Publish(string name, CelValue value)
    {
        while (true)
        {
            var small = Volatile.Read(ref _small);
            if (small.Length >= LinearCacheLimit)
            {
                var large = Volatile.Read(ref _large);
                if (large is null)
                {
                    Interlocked.CompareExchange(ref _large, new System.Collections.Concurrent.ConcurrentDictionary<string, CelValue>(StringComparer.Ordinal), null);
                    large = _large!;
                }

                large.TryAdd(name, value);
                return;
            }

            var grown = new KeyValuePair<string, CelValue>[small.Length + 1];
            small.CopyTo(grown, 0);
            grown[^1] = new KeyValuePair<string, CelValue>(name, value);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _small, grown, small), small))
            {
                return;
            }
        }
    }
}

/// <summary>A JSON array as a CEL list; elements are converted on first access and cached.</summary>
internal sealed class JsonArrayList : CelList
{
    private readonly JsonElement _element;
    private readonly CelValue?[] _items;

    public JsonArrayList(JsonElement element)
    {
        _element = element;
        _items = new CelValue?[element.GetArrayLength()];
    }

    public override int Count => _items.Length;

    public override CelValue this[int index]
    {
        get
        {
            var v = Volatile.Read(ref _items[index]);
            if (v is null)
            {
                v = JsonCelValues.FromElement(_element[index]);
                Volatile.Write(ref _items[index], v);
            }

            return v;
        }
    }
}
