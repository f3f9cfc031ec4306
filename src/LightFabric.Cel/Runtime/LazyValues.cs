using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LightFabric.Cel.Runtime;

/// <summary>
/// A map over a host object (a string-keyed dictionary or a <see cref="JsonObject"/>) whose values are converted
/// on first access and then reused.
/// </summary>
internal sealed class LazyStringKeyMap : CelMap
{
    private readonly Func<string, (bool Found, object? Value)> _lookup;
    private readonly Func<IEnumerable<string>> _keys;
    private readonly Func<int> _count;
    // Created on first access: most maps (rule-context roots) are bound but never read. A plain dictionary under a
    // lock costs far less than a concurrent one for the few fields an expression touches.
    private Dictionary<string, CelValue>? _converted;

    private LazyStringKeyMap(Func<string, (bool, object?)> lookup, Func<IEnumerable<string>> keys, Func<int> count)
    {
        _lookup = lookup;
        _keys = keys;
        _count = count;
    }

    public static LazyStringKeyMap Over(IReadOnlyDictionary<string, object?> d) =>
        new(k => d.TryGetValue(k, out var v) ? (true, v) : (false, null), () => d.Keys, () => d.Count);

    public static LazyStringKeyMap Over(IDictionary<string, object?> d) =>
        new(k => d.TryGetValue(k, out var v) ? (true, v) : (false, null), () => d.Keys, () => d.Count);

    public static LazyStringKeyMap Over(JsonObject o) =>
        new(k => o.TryGetPropertyValue(k, out var v) ? (true, v) : (false, null), () => o.Select(p => p.Key), () => o.Count);

    /// <summary>Public readable instance properties of a host object, by their .NET names.</summary>
    public static LazyStringKeyMap OverProperties(object target)
    {
        var properties = PropertyCache.GetOrAdd(target.GetType(), t => t
            .GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.Ordinal));
        return new(
            k => properties.TryGetValue(k, out var p) ? (true, Read(p, target)) : (false, null),
            () => properties.Keys,
            () => properties.Count);
    }

    private static readonly ConcurrentDictionary<Type, Dictionary<string, System.Reflection.PropertyInfo>> PropertyCache = new();

    private static object? Read(System.Reflection.PropertyInfo property, object target)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (System.Reflection.TargetInvocationException e)
        {
            return new CelError($"reading '{property.Name}' failed: {e.InnerException?.Message}");
        }
    }

    public override int Count => _count();

    public override IEnumerable<CelValue> Keys => _keys().Select(k => (CelValue)CelString.Of(k));

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
        lock (_lookup)
        {
            if (_converted is not null && _converted.TryGetValue(name, out value!))
            {
                return true;
            }
        }

        var (found, raw) = _lookup(name);
        if (!found)
        {
            value = null!;
            return false;
        }

        var converted = CelValueConverter.TryFromClr(raw);
        lock (_lookup)
        {
            _converted ??= new Dictionary<string, CelValue>(StringComparer.Ordinal);
            value = _converted.TryAdd(name, converted) ? converted : _converted[name];
        }

        return true;
    }
}

/// <summary>A list over a host list (or a <see cref="JsonArray"/>) whose elements are converted on first access.</summary>
internal sealed class LazyList : CelList
{
    private readonly Func<int, object?> _source;
    private readonly CelValue?[] _items;

    public LazyList(int count, Func<int, object?> source)
    {
        _source = source;
        _items = new CelValue?[count];
    }

    public static LazyList Over(IList list) => new(list.Count, i => list[i]);

    public static LazyList Over(JsonArray array) => new(array.Count, i => array[i]);

    public override int Count => _items.Length;

    public override CelValue this[int index]
    {
        get
        {
            var v = Volatile.Read(ref _items[index]);
            if (v is null)
            {
                v = CelValueConverter.TryFromClr(_source(index));
                Volatile.Write(ref _items[index], v);
            }

            return v;
        }
    }
}
