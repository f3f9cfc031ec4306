namespace LightFabric.JsonSchema;

/// <summary>A point to go back to when an in-place subschema fails and its annotations must be dropped.</summary>
internal readonly record struct EvaluatedMark(int Properties, bool AllProperties, int Items, bool AllItems, int Prefix);

/// <summary>
/// The properties or items of one instance location that keywords have evaluated — the 2020-12 annotations of
/// properties, patternProperties, additionalProperties, prefixItems, items, contains and unevaluated* — as
/// <c>unevaluatedProperties</c> and <c>unevaluatedItems</c> need them. Created only under a schema that uses one of
/// those, so other schemas never pay for it. Additions are logged, so a failed anyOf/oneOf branch or <c>if</c> is
/// undone by <see cref="Restore"/> without copying the record for each branch.
/// </summary>
internal sealed class EvaluatedLocations
{
    private HashSet<string>? _properties;
    private List<string>? _propertyLog;
    private HashSet<int>? _items;
    private List<int>? _itemLog;

    /// <summary>Every property is evaluated (additionalProperties or unevaluatedProperties applied).</summary>
    public bool AllProperties { get; set; }

    /// <summary>Every item is evaluated (items or unevaluatedItems applied).</summary>
    public bool AllItems { get; set; }

    /// <summary>The first this many items are evaluated (prefixItems).</summary>
    public int Prefix { get; private set; }

    public void AddProperty(string name)
    {
        if (!AllProperties && (_properties ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
        {
            (_propertyLog ??= []).Add(name);
        }
    }

    public bool HasProperty(string name) => AllProperties || (_properties?.Contains(name) ?? false);

    public void AddItem(int index)
    {
        if (!AllItems && index >= Prefix && (_items ??= []).Add(index))
        {
            (_itemLog ??= []).Add(index);
        }
    }

    public void AddPrefix(int count) => Prefix = Math.Max(Prefix, count);

    public bool HasItem(int index) => AllItems || index < Prefix || (_items?.Contains(index) ?? false);

    public EvaluatedMark Save() => new(_propertyLog?.Count ?? 0, AllProperties, _itemLog?.Count ?? 0, AllItems, Prefix);

    public void Restore(EvaluatedMark mark)
    {
        AllProperties = mark.AllProperties;
        AllItems = mark.AllItems;
        Prefix = mark.Prefix;
        Truncate(_properties, _propertyLog, mark.Properties);
        Truncate(_items, _itemLog, mark.Items);
    }

    /// <summary>Adds what a nested schema with its own record evaluated; answers how many entries were copied (work done).</summary>
    public int MergeFrom(EvaluatedLocations other)
    {
        var copied = 0;
        if (other.AllProperties)
        {
            AllProperties = true;
        }
        else if (other._propertyLog is { } properties && !AllProperties)
        {
            foreach (var name in properties)
            {
                AddProperty(name);
            }

            copied += properties.Count;
        }

        AddPrefix(other.Prefix);
        if (other.AllItems)
        {
            AllItems = true;
        }
        else if (other._itemLog is { } items && !AllItems)
        {
            foreach (var index in items)
            {
                AddItem(index);
            }

            copied += items.Count;
        }

        return copied;
    }

    private static void Truncate<T>(HashSet<T>? set, List<T>? log, int count)
    {
        if (log is null || log.Count <= count)
        {
            return;
        }

        for (var i = count; i < log.Count; i++)
        {
            set!.Remove(log[i]);
        }

        log.RemoveRange(count, log.Count - count);
    }
}
