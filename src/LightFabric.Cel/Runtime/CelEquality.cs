namespace LightFabric.Cel.Runtime;

/// <summary>CEL equality and ordering, including heterogeneous numeric comparison.</summary>
public static class CelEquality
{
    /// <summary>CEL <c>==</c> for two non-error values.</summary>
    public static bool ValueEquals(CelValue a, CelValue b)
    {
        if (ReferenceEquals(a, b))
        {
            return a.Kind != CelValueKind.Double || !double.IsNaN(((CelDouble)a).Value);
        }

        switch (a.Kind)
        {
            case CelValueKind.Int:
            case CelValueKind.Uint:
            case CelValueKind.Double:
                return IsNumber(b) && CompareNumbers(a, b) == 0;
            case CelValueKind.String:
                return b is CelString sb && string.Equals(((CelString)a).Value, sb.Value, StringComparison.Ordinal);
            case CelValueKind.Bool:
                return b is CelBool bb && ((CelBool)a).Value == bb.Value;
            case CelValueKind.Null:
                return b.Kind == CelValueKind.Null;
            case CelValueKind.Bytes:
                return b is CelBytes yb && ((CelBytes)a).Span.SequenceEqual(yb.Span);
            case CelValueKind.List:
                return b is CelList lb && ListEquals((CelList)a, lb);
            case CelValueKind.Map:
                return b is CelMap mb && MapEquals((CelMap)a, mb);
            case CelValueKind.Type:
                return b is CelTypeValue tb && ((CelTypeValue)a).Value.SameRuntimeType(tb.Value);
            case CelValueKind.Timestamp:
                return b is CelTimestamp t2 && ((CelTimestamp)a).Seconds == t2.Seconds && ((CelTimestamp)a).Nanos == t2.Nanos;
            case CelValueKind.Duration:
                return b is CelDuration d2 && ((CelDuration)a).TotalNanos == d2.TotalNanos;
            case CelValueKind.Optional:
            {
                if (b is not CelOptional ob)
                {
                    return false;
                }

                var oa = (CelOptional)a;
                if (!oa.HasValue || !ob.HasValue)
                {
                    return oa.HasValue == ob.HasValue;
                }

                return ValueEquals(oa.Value!, ob.Value!);
            }

            case CelValueKind.Opaque:
                return b is CelOpaque pb && ((CelOpaque)a).OpaqueEquals(pb);
            default:
                return false;
        }
    }

    public static bool IsNumber(CelValue v) => v.Kind is CelValueKind.Int or CelValueKind.Uint or CelValueKind.Double;

    /// <summary>Orders two numbers of any numeric kind exactly. NaN yields <see cref="int.MinValue"/> (unordered).</summary>
    public static int CompareNumbers(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt ia:
                switch (b)
                {
                    case CelInt ib: return ia.Value.CompareTo(ib.Value);
                    case CelUint ub: return ia.Value < 0 ? -1 : ((ulong)ia.Value).CompareTo(ub.Value);
                    case CelDouble db: return -CompareDoubleInt(db.Value, ia.Value);
                }

                break;
            case CelUint ua:
                switch (b)
                {
                    case CelInt ib: return ib.Value < 0 ? 1 : ua.Value.CompareTo((ulong)ib.Value);
                    case CelUint ub: return ua.Value.CompareTo(ub.Value);
                    case CelDouble db: return -CompareDoubleUint(db.Value, ua.Value);
                }

                break;
            case CelDouble da:
                switch (b)
                {
                    case CelInt ib: return CompareDoubleInt(da.Value, ib.Value);
                    case CelUint ub: return CompareDoubleUint(da.Value, ub.Value);
                    case CelDouble db:
                        if (double.IsNaN(da.Value) || double.IsNaN(db.Value))
                        {
                            return int.MinValue;
                        }

                        return da.Value.CompareTo(db.Value);
                }

                break;
        }

        throw new InvalidOperationException("not numbers");
    }

    // Mixed int/double and uint/double comparisons convert the integer to double (as the reference
    // implementation does), after ruling out doubles beyond the integer type's range.
    private static int CompareDoubleInt(double d, long i)
    {
        if (double.IsNaN(d))
        {
            return int.MinValue;
        }

        if (d < -9223372036854775808.0)
        {
            return -1;
        }

        if (d > 9223372036854775808.0)
        {
            return 1;
        }

        return d.CompareTo((double)i);
    }

    private static int CompareDoubleUint(double d, ulong u)
    {
        if (double.IsNaN(d))
        {
            return int.MinValue;
        }

        if (d < 0)
        {
            return -1;
        }

        if (d > 18446744073709551616.0)
        {
            return 1;
        }

        return d.CompareTo((double)u);
    }

    private static bool ListEquals(CelList a, CelList b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x.IsError || y.IsError || !ValueEquals(x, y))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MapEquals(CelMap a, CelMap b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var key in a.Keys)
        {
            if (!b.TryGetValue(key, out var bv) || !a.TryGetValue(key, out var av) || !ValueEquals(av, bv))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares strings by Unicode code point (UTF-16 ordinal order differs for surrogate pairs).</summary>
    public static int CompareStrings(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = a[i];
            var cb = b[i];
            if (ca == cb)
            {
                continue;
            }

            if (ca >= 0xD800 && cb >= 0xD800)
            {
                // Surrogates encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
                return FixUp(ca) - FixUp(cb);
            }

            return ca - cb;
        }

        return a.Length - b.Length;

        static int FixUp(char c) => c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
