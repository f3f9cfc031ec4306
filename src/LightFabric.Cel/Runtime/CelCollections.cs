using LightFabric.Cel.Checking;

namespace LightFabric.Cel.Runtime;

/// <summary>A CEL list. Implementations may convert their elements lazily (e.g. from JSON).</summary>
public abstract class CelList : CelValue
{
    protected CelList() : base(CelValueKind.List)
    {
    }

    public abstract int Count { get; }

    public abstract CelValue this[int index] { get; }

    public override CelType Type => CelType.ListOfDyn;

    public override object? ToClr()
    {
        var result = new List<object?>(Count);
        for (var i = 0; i < Count; i++)
        {
            result.Add(this[i].ToClr());
        }

        return result;
    }
}

/// <summary>A CEL map. Keys are bool, int, uint or string; int, uint and numerically equal double keys find each other.</summary>
public abstract class CelMap : CelValue
{
    protected CelMap() : base(CelValueKind.Map)
    {
    }

    public abstract int Count { get; }

    public abstract bool TryGetValue(CelValue key, out CelValue value);

    /// <summary>Fast path for string keys (field selection).</summary>
    public virtual bool TryGetField(string name, out CelValue value) => TryGetValue(CelString.Of(name), out value);

    /// <summary>Keys in iteration order (insertion order for literals, document order for JSON).</summary>
    public abstract IEnumerable<CelValue> Keys { get; }

    public override CelType Type => CelType.MapOfDyn;

    public override object? ToClr()
    {
        var result = new Dictionary<object, object?>();
        foreach (var key in Keys)
        {
            TryGetValue(key, out var v);
            result[key.ToClr()!] = v.ToClr();
        }

        return result;
    }
}

/// <summary>A list held in an array that is never mutated after construction.</summary>
public sealed class CelArrayList : CelList
{
    public static readonly CelArrayList Empty = new([]);

    private readonly CelValue[] _items;

    public CelArrayList(CelValue[] items) => _items = items;

    public override int Count => _items.Length;

    public override CelValue this[int index] => _items[index];

    internal CelValue[] Items => _items;
}

/// <summary>A map with insertion-ordered entries and CEL key equality.</summary>
public sealed class CelDictionaryMap : CelMap
{
    public static readonly CelDictionaryMap Empty = new(new Dictionary<CelValue, CelValue>(MapKeyComparer.Instance));

    private readonly Dictionary<CelValue, CelValue> _entries;

    public CelDictionaryMap(Dictionary<CelValue, CelValue> entries) => _entries = entries;

    public override int Count => _entries.Count;

    public override IEnumerable<CelValue> Keys => _entries.Keys;

    public override bool TryGetValue(CelValue key, out CelValue value)
    {
        if (!MapKeyComparer.IsLookupKey(key))
        {
            value = null!;
            return false;
        }

        return _entries.TryGetValue(key, out value!);
    }

    public override bool TryGetField(string name, out CelValue value) =>
        _entries.TryGetValue(CelString.Of(name), out value!);

    public static Dictionary<CelValue, CelValue> NewDictionary(int capacity = 0) => new(capacity, MapKeyComparer.Instance);
}

/// <summary>Key equality for maps: numeric keys compare by value across int, uint and integral double.</summary>
public sealed class MapKeyComparer : IEqualityComparer<CelValue>
{
    public static readonly MapKeyComparer Instance = new();

    public static bool IsValidKey(CelValue key) =>
        key.Kind is CelValueKind.Bool or CelValueKind.Int or CelValueKind.Uint or CelValueKind.String;

    public static bool IsLookupKey(CelValue key) => IsValidKey(key) || key.Kind == CelValueKind.Double;

    public bool Equals(CelValue? x, CelValue? y)
    {
        if (x is null || y is null)
        {
            return ReferenceEquals(x, y);
        }

        return CelEquality.ValueEquals(x, y);
    }

    public int GetHashCode(CelValue obj) => obj switch
    {
        CelString s => s.Value.GetHashCode(StringComparison.Ordinal),
        CelInt i => i.Value.GetHashCode(),
        CelUint u => u.Value <= long.MaxValue ? ((long)u.Value).GetHashCode() : u.Value.GetHashCode(),
        CelDouble d => DoubleKeyHash(d.Value),
        CelBool b => b.Value ? 1231 : 1237,
        _ => 0,
    };

    private static int DoubleKeyHash(double d)
    {
        if (d >= long.MinValue && d < 9223372036854775808.0 && Math.Floor(d) == d)
        {
            return ((long)d).GetHashCode();
        }

        if (d >= 0 && d < 18446744073709551616.0 && Math.Floor(d) == d)
        {
            return ((ulong)d).GetHashCode();
        }

        return d.GetHashCode();
    }
}
