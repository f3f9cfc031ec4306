using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>The lists, sets and encoders extensions.</summary>
internal static class CollectionsExtension
{
    private const int MaxRange = 1_000_000;

    public static void Register(FunctionRegistry r)
    {
        var listA = ListA;
        r.Unary("lists.range", "lists_range", false, Int, CelType.List(Int), n =>
        {
            var count = ((CelInt)n).Value;
            if (count < 0 || count > MaxRange)
            {
                return new CelError($"lists.range({count}) is out of range");
            }

            var items = new CelValue[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = CelInt.Of(i);
            }

            return new CelArrayList(items);
        });
        r.Member("slice", "list_slice", listA, a => Slice((CelList)a[0], ((CelInt)a[1]).Value, ((CelInt)a[2]).Value), listA, Int, Int);
        r.Unary("flatten", "list_flatten", true, CelType.List(listA), listA, l => Flatten((CelList)l, 1));
        r.Binary("flatten", "list_flatten_int", true, CelType.ListOfDyn, Int, CelType.ListOfDyn, (l, d) =>
            ((CelInt)d).Value < 0 ? new CelError("level must be non-negative") : Flatten((CelList)l, ((CelInt)d).Value));
        r.Unary("distinct", "list_distinct", true, listA, listA, l => Distinct((CelList)l));
        r.Unary("reverse", "list_reverse", true, listA, listA, l =>
        {
            var list = (CelList)l;
            var items = new CelValue[list.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = list[list.Count - 1 - i];
            }

            return new CelArrayList(items);
        });
        r.Unary("sort", "list_sort", true, listA, listA, l => Sort((CelList)l));
        r.Unary("first", "list_first", true, listA, CelType.Optional(A), l =>
            ((CelList)l).Count == 0 ? CelOptional.None : CelOptional.Of(((CelList)l)[0]));
        r.Unary("last", "list_last", true, listA, CelType.Optional(A), l =>
            ((CelList)l).Count == 0 ? CelOptional.None : CelOptional.Of(((CelList)l)[((CelList)l).Count - 1]));

        r.Binary("sets.contains", "list_sets_contains_list", false, listA, listA, Bool, (a, b) => CelBool.Of(ContainsAll((CelList)a, (CelList)b)));
        r.Binary("sets.equivalent", "list_sets_equivalent_list", false, listA, listA, Bool, (a, b) =>
            CelBool.Of(ContainsAll((CelList)a, (CelList)b) && ContainsAll((CelList)b, (CelList)a)));
        r.Binary("sets.intersects", "list_sets_intersects_list", false, listA, listA, Bool, (a, b) =>
        {
            var x = (CelList)a;
            var y = (CelList)b;
            for (var i = 0; i < y.Count; i++)
            {
                if (Contains(x, y[i]))
                {
                    return CelBool.True;
                }
            }

            return CelBool.False;
        });

        r.Unary("base64.encode", "base64_encode_bytes", false, Byt, Str, b => CelString.Of(Convert.ToBase64String(((CelBytes)b).Span)));
        r.Unary("base64.decode", "base64_decode_string", false, Str, Byt, s => Base64Decode(((CelString)s).Value));
    }

    internal static bool Contains(CelList list, CelValue v)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (CelEquality.ValueEquals(list[i], v))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool ContainsAll(CelList haystack, CelList needles)
    {
        for (var i = 0; i < needles.Count; i++)
        {
            if (!Contains(haystack, needles[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static CelValue Slice(CelList list, long start, long end)
    {
        if (start < 0 || end < 0)
        {
            return new CelError($"cannot slice({start}, {end}), negative indexes not supported");
        }

        if (start > end)
        {
            return new CelError($"cannot slice({start}, {end}), start index must be less than or equal to end index");
        }

        if (end > list.Count)
        {
            return new CelError($"cannot slice({start}, {end}), list is length {list.Count}");
        }

        var items = new CelValue[end - start];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = list[(int)start + i];
        }

        return new CelArrayList(items);
    }

    private static CelValue Flatten(CelList list, long depth)
    {
        var output = new List<CelValue>();
        Add(list, depth, output);
        return new CelArrayList(output.ToArray());

        static void Add(CelList l, long depth, List<CelValue> output)
        {
            for (var i = 0; i < l.Count; i++)
            {
                if (depth > 0 && l[i] is CelList inner)
                {
                    Add(inner, depth - 1, output);
                }
                else
                {
                    output.Add(l[i]);
                }
            }
        }
    }

    private static CelValue Distinct(CelList list)
    {
        var output = new List<CelValue>();
        for (var i = 0; i < list.Count; i++)
        {
            var v = list[i];
            if (!output.Any(o => CelEquality.ValueEquals(o, v)))
            {
                output.Add(v);
            }
        }

        return new CelArrayList(output.ToArray());
    }

    private static CelValue Sort(CelList list)
    {
        var items = new CelValue[list.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = list[i];
        }

        for (var i = 1; i < items.Length; i++)
        {
            if (CelOperations.Compare(items[0], items[i]) is null)
            {
                return new CelError($"list elements must have the same type: {items[0].Type.Name} and {items[i].Type.Name}");
            }
        }

        var sorted = items.Select((v, i) => (v, i)).ToList();
        sorted.Sort((x, y) =>
        {
            var c = CelOperations.Compare(x.v, y.v) ?? 0;
            return c == int.MinValue || c == 0 ? x.i.CompareTo(y.i) : c;
        });
        return new CelArrayList(sorted.Select(s => s.v).ToArray());
    }

    private static CelValue Base64Decode(string s)
    {
        var padded = s.Length % 4 == 0 ? s : s + new string('=', 4 - (s.Length % 4));
        try
        {
            return CelBytes.Of(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return new CelError($"illegal base64 data: '{s}'");
        }
    }
}
