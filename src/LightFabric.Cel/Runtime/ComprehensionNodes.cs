using LightFabric.Cel.Parsing;

namespace LightFabric.Cel.Runtime;

/// <summary>
/// Iterating macros. For lists the first variable is the element (or the index when two variables are given,
/// the second being the element); for maps it is the key (the second being the value).
/// </summary>
internal sealed class ComprehensionNode : Node
{
    private readonly ComprehensionKind _kind;
    private readonly Node _range;
    private readonly int _slot1;
    private readonly int _slot2;
    private readonly Node? _filter;
    private readonly Node _step;

    public ComprehensionNode(int offset, ComprehensionKind kind, Node range, int slot1, int slot2, Node? filter, Node step)
        : base(offset)
    {
        _kind = kind;
        _range = range;
        _slot1 = slot1;
        _slot2 = slot2;
        _filter = filter;
        _step = step;
    }

    public override CelValue Eval(EvalFrame f)
    {
        var range = _range.Eval(f);
        switch (range)
        {
            case CelError:
                return range;
            case CelList list:
                return Run(f, new ListCursor(list), list.Count);
            case CelMap map:
                return Run(f, new MapCursor(map), map.Count);
            default:
                return new CelError($"expression of type '{range.Type}' cannot be the range of a comprehension (must be list, map, or dynamic)", Offset);
        }
    }

    private CelValue Run<TCursor>(EvalFrame f, TCursor cursor, int count)
        where TCursor : ICursor
    {
        CelError? pending = null;
        var matches = 0;
        List<CelValue>? listOut = null;
        List<CelValue>? sortKeys = null;
        Dictionary<CelValue, CelValue>? mapOut = null;
        if (_kind is ComprehensionKind.Map or ComprehensionKind.Filter or ComprehensionKind.TransformList or ComprehensionKind.SortBy)
        {
            listOut = new List<CelValue>(Math.Min(count, 1024));
            sortKeys = _kind == ComprehensionKind.SortBy ? new List<CelValue>(Math.Min(count, 1024)) : null;
        }
        else if (_kind is ComprehensionKind.TransformMap or ComprehensionKind.TransformMapEntry)
        {
            mapOut = CelDictionaryMap.NewDictionary(Math.Min(count, 1024));
        }

        for (var i = 0; i < count; i++)
        {
            f.Step();
            cursor.Bind(f, i, _slot1, _slot2);
            if (_filter is not null)
            {
                var keep = _filter.Eval(f);
                if (keep is CelError)
                {
                    return keep;
                }

                if (keep is not CelBool kb)
                {
                    return new CelError("no matching overload for filter predicate", _filter.Offset);
                }

                if (!kb.Value)
                {
                    continue;
                }
            }

            var v = _step.Eval(f);
            switch (_kind)
            {
                case ComprehensionKind.All:
                    if (v is CelBool ab)
                    {
                        if (!ab.Value)
                        {
                            return CelBool.False;
                        }
                    }
                    else
                    {
                        pending ??= v as CelError ?? new CelError("no matching overload for '_&&_'", _step.Offset);
                    }

                    break;
                case ComprehensionKind.Exists:
                    if (v is CelBool eb)
                    {
                        if (eb.Value)
                        {
                            return CelBool.True;
                        }
                    }
                    else
                    {
                        pending ??= v as CelError ?? new CelError("no matching overload for '_||_'", _step.Offset);
                    }

                    break;
                case ComprehensionKind.ExistsOne:
                    if (v is CelBool ob)
                    {
                        if (ob.Value)
                        {
                            matches++;
                        }
                    }
                    else
                    {
                        return v as CelError ?? new CelError("no matching overload for exists_one predicate", _step.Offset);
                    }

                    break;
                case ComprehensionKind.Filter:
                    if (v is CelBool fb)
                    {
                        if (fb.Value)
                        {
                            listOut!.Add(cursor.Element(f, _slot1, _slot2));
                            CheckCount(f, listOut.Count);
                        }
                    }
                    else
                    {
                        return v as CelError ?? new CelError("no matching overload for filter predicate", _step.Offset);
                    }

                    break;
                case ComprehensionKind.Map:
                case ComprehensionKind.TransformList:
                    if (v is CelError)
                    {
                        return v;
                    }

                    listOut!.Add(v);
                    CheckCount(f, listOut.Count);
                    break;
                case ComprehensionKind.TransformMap:
                    if (v is CelError)
                    {
                        return v;
                    }

                    mapOut![cursor.Key(f, _slot1)] = v;
                    CheckCount(f, mapOut.Count);
                    break;
                case ComprehensionKind.TransformMapEntry:
                    if (v is CelError)
                    {
                        return v;
                    }

                    if (v is not CelMap entry)
                    {
                        return new CelError($"transformMapEntry expression must produce a map, got '{v.Type}'", _step.Offset);
                    }

                    foreach (var key in entry.Keys)
                    {
                        entry.TryGetValue(key, out var ev);
                        if (!mapOut!.TryAdd(key, ev))
                        {
                            return new CelError($"insert failed: key {CelFormatter.Display(key)} already exists", _step.Offset);
                        }
                    }

                    CheckCount(f, mapOut!.Count);
                    break;
                case ComprehensionKind.SortBy:
                    if (v is CelError)
                    {
                        return v;
                    }

                    listOut!.Add(cursor.Element(f, _slot1, _slot2));
                    sortKeys!.Add(v);
                    break;
            }
        }

        switch (_kind)
        {
            case ComprehensionKind.All:
                return pending ?? (CelValue)CelBool.True;
            case ComprehensionKind.Exists:
                return pending ?? (CelValue)CelBool.False;
            case ComprehensionKind.ExistsOne:
                return CelBool.Of(matches == 1);
            case ComprehensionKind.TransformMap:
            case ComprehensionKind.TransformMapEntry:
                return new CelDictionaryMap(mapOut!);
            case ComprehensionKind.SortBy:
                return SortByKeys(listOut!, sortKeys!, _step.Offset);
            default:
                return new CelArrayList(listOut!.ToArray());
        }
    }

    private static CelValue SortByKeys(List<CelValue> items, List<CelValue> keys, int offset)
    {
        for (var i = 1; i < keys.Count; i++)
        {
            if (CelOperations.Compare(keys[0], keys[i]) is null)
            {
                return new CelError($"sortBy keys must be comparable values of one type, got '{keys[0].Type}' and '{keys[i].Type}'", offset);
            }
        }

        if (keys.Count == 1 && CelOperations.Compare(keys[0], keys[0]) is null)
        {
            return new CelError($"sortBy keys must be comparable, got '{keys[0].Type}'", offset);
        }

        var order = Enumerable.Range(0, items.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = CelOperations.Compare(keys[a], keys[b]) ?? 0;
            return c == 0 || c == int.MinValue ? a.CompareTo(b) : c;
        });
        return new CelArrayList(order.Select(i => items[i]).ToArray());
    }

    private static void CheckCount(EvalFrame f, int count)
    {
        if (count > f.MaxCollectionItems)
        {
            throw new LimitExceededException($"list or map exceeds the limit of {f.MaxCollectionItems} items");
        }
    }

    private interface ICursor
    {
        void Bind(EvalFrame f, int i, int slot1, int slot2);

        CelValue Element(EvalFrame f, int slot1, int slot2);

        CelValue Key(EvalFrame f, int slot1);
    }

    private readonly struct ListCursor(CelList list) : ICursor
    {
        public void Bind(EvalFrame f, int i, int slot1, int slot2)
        {
            if (slot2 >= 0)
            {
                f.Slots[slot1] = CelInt.Of(i);
                f.Slots[slot2] = list[i];
            }
            else
            {
                f.Slots[slot1] = list[i];
            }
        }

        public CelValue Element(EvalFrame f, int slot1, int slot2) => f.Slots[slot2 >= 0 ? slot2 : slot1]!;

        public CelValue Key(EvalFrame f, int slot1) => f.Slots[slot1]!;
    }

    private sealed class MapCursor(CelMap map) : ICursor
    {
        private readonly CelValue[] _keys = map.Keys.ToArray();

        public void Bind(EvalFrame f, int i, int slot1, int slot2)
        {
            var key = _keys[i];
            f.Slots[slot1] = key;
            if (slot2 >= 0)
            {
                map.TryGetValue(key, out var v);
                f.Slots[slot2] = v;
            }
        }

        public CelValue Element(EvalFrame f, int slot1, int slot2) => f.Slots[slot1]!;

        public CelValue Key(EvalFrame f, int slot1) => f.Slots[slot1]!;
    }
}

/// <summary><c>cel.bind(name, value, body)</c>.</summary>
internal sealed class BindNode(int offset, int slot, Node value, Node body) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        f.Slots[slot] = value.Eval(f);
        return body.Eval(f);
    }
}

/// <summary><c>opt.optMap(v, expr)</c> and <c>opt.optFlatMap(v, expr)</c>.</summary>
internal sealed class OptionalMapNode(int offset, int slot, Node target, Node body, bool flat) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var t = target.Eval(f);
        if (t is CelError)
        {
            return t;
        }

        if (t is not CelOptional o)
        {
            return new CelError($"no such overload: {(flat ? "optFlatMap" : "optMap")}({t.Type})", Offset);
        }

        if (!o.HasValue)
        {
            return CelOptional.None;
        }

        f.Slots[slot] = o.Value;
        var r = body.Eval(f);
        if (r is CelError || !flat)
        {
            return r is CelError ? r : CelOptional.Of(r);
        }

        return r is CelOptional ? r : new CelError($"optFlatMap expression must return an optional, got '{r.Type}'", Offset);
    }
}
