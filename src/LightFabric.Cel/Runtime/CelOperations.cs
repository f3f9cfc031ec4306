namespace LightFabric.Cel.Runtime;

/// <summary>Arithmetic, comparison and membership with CEL semantics (overflow and division errors, heterogeneous numbers).</summary>
internal static class CelOperations
{
    public static CelValue Add(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt x when b is CelInt y:
            {
                var r = unchecked(x.Value + y.Value);
                return ((x.Value ^ r) & (y.Value ^ r)) < 0 ? CelError.Overflow() : CelInt.Of(r);
            }

            case CelUint x when b is CelUint y:
            {
                var r = unchecked(x.Value + y.Value);
                return r < x.Value ? CelError.Overflow() : CelUint.Of(r);
            }

            case CelDouble x when b is CelDouble y:
                return CelDouble.Of(x.Value + y.Value);
            case CelString x when b is CelString y:
                return CelString.Of(string.Concat(x.Value, y.Value));
            case CelBytes x when b is CelBytes y:
            {
                var r = new byte[x.Length + y.Length];
                x.Span.CopyTo(r);
                y.Span.CopyTo(r.AsSpan(x.Length));
                return CelBytes.Of(r);
            }

            case CelList x when b is CelList y:
            {
                if (x.Count == 0)
                {
                    return y;
                }

                if (y.Count == 0)
                {
                    return x;
                }

                var r = new CelValue[x.Count + y.Count];
                for (var i = 0; i < x.Count; i++)
                {
                    r[i] = x[i];
                }

                for (var i = 0; i < y.Count; i++)
                {
                    r[x.Count + i] = y[i];
                }

                return new CelArrayList(r);
            }

            case CelTimestamp t when b is CelDuration d:
                return CelTime.AddToTimestamp(t, d.TotalNanos);
            case CelDuration d when b is CelTimestamp t:
                return CelTime.AddToTimestamp(t, d.TotalNanos);
            case CelDuration x when b is CelDuration y:
                return CelTime.MakeDuration(x.TotalNanos + y.TotalNanos);
        }

        return CelError.NoSuchOverload("_+_", a, b);
    }

    public static CelValue Subtract(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt x when b is CelInt y:
            {
                var r = unchecked(x.Value - y.Value);
                return ((x.Value ^ y.Value) & (x.Value ^ r)) < 0 ? CelError.Overflow() : CelInt.Of(r);
            }

            case CelUint x when b is CelUint y:
                return y.Value > x.Value ? CelError.Overflow() : CelUint.Of(x.Value - y.Value);
            case CelDouble x when b is CelDouble y:
                return CelDouble.Of(x.Value - y.Value);
            case CelTimestamp t when b is CelDuration d:
                return CelTime.AddToTimestamp(t, -d.TotalNanos);
            case CelTimestamp t1 when b is CelTimestamp t2:
                return CelTime.MakeDuration(CelTime.ToNanos(t1) - CelTime.ToNanos(t2));
            case CelDuration x when b is CelDuration y:
                return CelTime.MakeDuration(x.TotalNanos - y.TotalNanos);
        }

        return CelError.NoSuchOverload("_-_", a, b);
    }

    public static CelValue Multiply(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt x when b is CelInt y:
            {
                var r = Math.BigMul(x.Value, y.Value, out var low);
                return (r == 0 && low >= 0) || (r == -1 && low < 0) ? CelInt.Of(low) : CelError.Overflow();
            }

            case CelUint x when b is CelUint y:
            {
                var high = Math.BigMul(x.Value, y.Value, out var low);
                return high != 0 ? CelError.Overflow() : CelUint.Of(low);
            }

            case CelDouble x when b is CelDouble y:
                return CelDouble.Of(x.Value * y.Value);
        }

        return CelError.NoSuchOverload("_*_", a, b);
    }

    public static CelValue Divide(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt x when b is CelInt y:
                if (y.Value == 0)
                {
                    return CelError.DivideByZero;
                }

                if (x.Value == long.MinValue && y.Value == -1)
                {
                    return CelError.Overflow();
                }

                return CelInt.Of(x.Value / y.Value);
            case CelUint x when b is CelUint y:
                return y.Value == 0 ? CelError.DivideByZero : CelUint.Of(x.Value / y.Value);
            case CelDouble x when b is CelDouble y:
                return CelDouble.Of(x.Value / y.Value);
        }

        return CelError.NoSuchOverload("_/_", a, b);
    }

    public static CelValue Modulo(CelValue a, CelValue b)
    {
        switch (a)
        {
            case CelInt x when b is CelInt y:
                if (y.Value == 0)
                {
                    return CelError.ModulusByZero;
                }

                if (x.Value == long.MinValue && y.Value == -1)
                {
                    return CelError.Overflow();
                }

                return CelInt.Of(x.Value % y.Value);
            case CelUint x when b is CelUint y:
                return y.Value == 0 ? CelError.ModulusByZero : CelUint.Of(x.Value % y.Value);
        }

        return CelError.NoSuchOverload("_%_", a, b);
    }

    public static CelValue Negate(CelValue a) => a switch
    {
        CelInt x => x.Value == long.MinValue ? CelError.Overflow() : CelInt.Of(-x.Value),
        CelDouble d => CelDouble.Of(-d.Value),
        _ => CelError.NoSuchOverload("-_", a),
    };

    public static CelValue Not(CelValue a) => a is CelBool b ? CelBool.Of(!b.Value) : CelError.NoSuchOverload("!_", a);

    /// <summary>Orders two values; returns null when the pair has no ordering (no such overload), NaN gives "unordered".</summary>
    public static int? Compare(CelValue a, CelValue b)
    {
        switch (a.Kind)
        {
            case CelValueKind.Int:
            case CelValueKind.Uint:
            case CelValueKind.Double:
                return CelEquality.IsNumber(b) ? CelEquality.CompareNumbers(a, b) : null;
            case CelValueKind.String:
                return b is CelString sb ? Math.Sign(CelEquality.CompareStrings(((CelString)a).Value, sb.Value)) : null;
            case CelValueKind.Bool:
                return b is CelBool bb ? ((CelBool)a).Value.CompareTo(bb.Value) : null;
            case CelValueKind.Bytes:
                return b is CelBytes yb ? Math.Sign(((CelBytes)a).Span.SequenceCompareTo(yb.Span)) : null;
            case CelValueKind.Timestamp:
                return b is CelTimestamp tb ? CelTime.ToNanos((CelTimestamp)a).CompareTo(CelTime.ToNanos(tb)) : null;
            case CelValueKind.Duration:
                return b is CelDuration db ? ((CelDuration)a).TotalNanos.CompareTo(db.TotalNanos) : null;
            default:
                return null;
        }
    }

    /// <summary><c>a in b</c> for lists (element equality) and maps (key presence).</summary>
    public static CelValue In(CelValue a, CelValue b)
    {
        switch (b)
        {
            case CelList list:
                for (var i = 0; i < list.Count; i++)
                {
                    var item = list[i];
                    if (!item.IsError && CelEquality.ValueEquals(a, item))
                    {
                        return CelBool.True;
                    }
                }

                return CelBool.False;
            case CelMap map:
                return CelBool.Of(map.TryGetValue(a, out _));
            default:
                return CelError.NoSuchOverload("@in", a, b);
        }
    }

    /// <summary><c>target[index]</c> for lists and maps.</summary>
    public static CelValue Index(CelValue target, CelValue index)
    {
        switch (target)
        {
            case CelList list:
            {
                long i;
                switch (index)
                {
                    case CelInt x:
                        i = x.Value;
                        break;
                    case CelUint u:
                        i = u.Value > long.MaxValue ? long.MaxValue : (long)u.Value;
                        break;
                    case CelDouble d when Math.Floor(d.Value) == d.Value && Math.Abs(d.Value) < 9e18:
                        i = (long)d.Value;
                        break;
                    default:
                        return CelError.NoSuchOverload("_[_]", target, index);
                }

                if (i < 0 || i >= list.Count)
                {
                    return new CelError($"index out of range: {i}");
                }

                return list[(int)i];
            }

            case CelMap map:
                if (!MapKeyComparer.IsLookupKey(index))
                {
                    return new CelError($"unsupported key type: {index.Type.Name}");
                }

                return map.TryGetValue(index, out var v) ? v : CelError.NoSuchKey(index);
            case CelOptional opt:
                return OptionalIndex(opt, index);
            default:
                return CelError.NoSuchOverload("_[_]", target, index);
        }
    }

    /// <summary><c>target[?index]</c> and indexing an optional: an optional result, empty when absent.</summary>
    public static CelValue OptionalIndex(CelValue target, CelValue index)
    {
        if (target is CelOptional opt)
        {
            if (!opt.HasValue)
            {
                return CelOptional.None;
            }

            target = opt.Value!;
        }

        switch (target)
        {
            case CelList list:
            {
                var r = Index(list, index);
                if (r is CelError)
                {
                    return index.Kind is CelValueKind.Int or CelValueKind.Uint or CelValueKind.Double ? CelOptional.None : r;
                }

                return CelOptional.Of(r);
            }

            case CelMap map:
                return map.TryGetValue(index, out var v) ? CelOptional.Of(v) : CelOptional.None;
            default:
                return CelError.NoSuchOverload("_[?_]", target, index);
        }
    }

    public static CelValue Size(CelValue v) => v switch
    {
        CelString s => CelInt.Of(CelStrings.CodePointCount(s.Value)),
        CelBytes b => CelInt.Of(b.Length),
        CelList l => CelInt.Of(l.Count),
        CelMap m => CelInt.Of(m.Count),
        _ => CelError.NoSuchOverload("size", v),
    };
}
