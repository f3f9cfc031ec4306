using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>The math extension: greatest, least, rounding, abs, sign, classification and bitwise operations.</summary>
internal static class MathExtension
{
    private const int MaxVariadicArgs = 16;

    public static void Register(FunctionRegistry r)
    {
        foreach (var (name, greatest) in new[] { ("math.greatest", true), ("math.least", false) })
        {
            foreach (var t in new[] { Int, Uint, Dbl })
            {
                r.Unary(name, $"{name}_{t.Name}", false, t, t, v => v);
            }

            r.Unary(name, $"{name}_list", false, CelType.ListOfDyn, Dyn, l => Extreme(name, ToArray((CelList)l), greatest));
            for (var n = 2; n <= MaxVariadicArgs; n++)
            {
                r.Global(name, $"{name}_dyn_{n}", Dyn, args => Extreme(name, args, greatest), Enumerable.Repeat(Dyn, n).ToArray());
            }
        }

        r.Unary("math.ceil", "math_ceil_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Ceiling(((CelDouble)v).Value)));
        r.Unary("math.floor", "math_floor_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Floor(((CelDouble)v).Value)));
        r.Unary("math.round", "math_round_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Round(((CelDouble)v).Value, MidpointRounding.AwayFromZero)));
        r.Unary("math.trunc", "math_trunc_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Truncate(((CelDouble)v).Value)));
        r.Unary("math.sqrt", "math_sqrt_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Sqrt(((CelDouble)v).Value)));
        r.Unary("math.sqrt", "math_sqrt_int", false, Int, Dbl, v => CelDouble.Of(Math.Sqrt(((CelInt)v).Value)));
        r.Unary("math.sqrt", "math_sqrt_uint", false, Uint, Dbl, v => CelDouble.Of(Math.Sqrt(((CelUint)v).Value)));
        r.Unary("math.isNaN", "math_isNaN_double", false, Dbl, Bool, v => CelBool.Of(double.IsNaN(((CelDouble)v).Value)));
        r.Unary("math.isInf", "math_isInf_double", false, Dbl, Bool, v => CelBool.Of(double.IsInfinity(((CelDouble)v).Value)));
        r.Unary("math.isFinite", "math_isFinite_double", false, Dbl, Bool, v => CelBool.Of(double.IsFinite(((CelDouble)v).Value)));

        r.Unary("math.abs", "math_abs_int", false, Int, Int, v =>
            ((CelInt)v).Value == long.MinValue ? CelError.Overflow() : CelInt.Of(Math.Abs(((CelInt)v).Value)));
        r.Unary("math.abs", "math_abs_uint", false, Uint, Uint, v => v);
        r.Unary("math.abs", "math_abs_double", false, Dbl, Dbl, v => CelDouble.Of(Math.Abs(((CelDouble)v).Value)));
        r.Unary("math.sign", "math_sign_int", false, Int, Int, v => CelInt.Of(Math.Sign(((CelInt)v).Value)));
        r.Unary("math.sign", "math_sign_uint", false, Uint, Uint, v => CelUint.Of(((CelUint)v).Value == 0 ? 0UL : 1UL));
        r.Unary("math.sign", "math_sign_double", false, Dbl, Dbl, v =>
        {
            var d = ((CelDouble)v).Value;
            return CelDouble.Of(double.IsNaN(d) ? d : d > 0 ? 1.0 : d < 0 ? -1.0 : d);
        });

        r.Binary("math.bitAnd", "math_bitAnd_int_int", false, Int, Int, Int, (a, b) => CelInt.Of(((CelInt)a).Value & ((CelInt)b).Value));
        r.Binary("math.bitAnd", "math_bitAnd_uint_uint", false, Uint, Uint, Uint, (a, b) => CelUint.Of(((CelUint)a).Value & ((CelUint)b).Value));
        r.Binary("math.bitOr", "math_bitOr_int_int", false, Int, Int, Int, (a, b) => CelInt.Of(((CelInt)a).Value | ((CelInt)b).Value));
        r.Binary("math.bitOr", "math_bitOr_uint_uint", false, Uint, Uint, Uint, (a, b) => CelUint.Of(((CelUint)a).Value | ((CelUint)b).Value));
        r.Binary("math.bitXor", "math_bitXor_int_int", false, Int, Int, Int, (a, b) => CelInt.Of(((CelInt)a).Value ^ ((CelInt)b).Value));
        r.Binary("math.bitXor", "math_bitXor_uint_uint", false, Uint, Uint, Uint, (a, b) => CelUint.Of(((CelUint)a).Value ^ ((CelUint)b).Value));
        r.Unary("math.bitNot", "math_bitNot_int_int", false, Int, Int, a => CelInt.Of(~((CelInt)a).Value));
        r.Unary("math.bitNot", "math_bitNot_uint_uint", false, Uint, Uint, a => CelUint.Of(~((CelUint)a).Value));
        r.Binary("math.bitShiftLeft", "math_bitShiftLeft_int_int", false, Int, Int, Int, (a, b) =>
            Shift("math.bitShiftLeft", b, s => CelInt.Of(s >= 64 ? 0 : ((CelInt)a).Value << (int)s)));
        r.Binary("math.bitShiftLeft", "math_bitShiftLeft_uint_int", false, Uint, Int, Uint, (a, b) =>
            Shift("math.bitShiftLeft", b, s => CelUint.Of(s >= 64 ? 0 : ((CelUint)a).Value << (int)s)));
        r.Binary("math.bitShiftRight", "math_bitShiftRight_int_int", false, Int, Int, Int, (a, b) =>
            Shift("math.bitShiftRight", b, s => CelInt.Of(s >= 64 ? 0 : (long)((ulong)((CelInt)a).Value >> (int)s))));
        r.Binary("math.bitShiftRight", "math_bitShiftRight_uint_int", false, Uint, Int, Uint, (a, b) =>
            Shift("math.bitShiftRight", b, s => CelUint.Of(s >= 64 ? 0 : ((CelUint)a).Value >> (int)s)));
    }

    private static CelValue Shift(string name, CelValue offset, Func<long, CelValue> apply)
    {
        var s = ((CelInt)offset).Value;
        return s < 0 ? new CelError($"{name}() negative offset: {s}") : apply(s);
    }

    private static CelValue[] ToArray(CelList list)
    {
        var items = new CelValue[list.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = list[i];
        }

        return items;
    }

    private static CelValue Extreme(string name, CelValue[] values, bool greatest)
    {
        if (values.Length == 0)
        {
            return new CelError($"{name}(list) argument must not be empty");
        }

        CelValue? best = null;
        foreach (var v in values)
        {
            if (!CelEquality.IsNumber(v))
            {
                return CelError.NoSuchOverload(name, values);
            }

            if (best is null)
            {
                best = v;
                continue;
            }

            var c = CelEquality.CompareNumbers(v, best);
            if (c == int.MinValue)
            {
                // NaN wins, as it does in the reference implementation.
                if (v is CelDouble { Value: double.NaN })
                {
                    best = v;
                }

                continue;
            }

            if (greatest ? c > 0 : c < 0)
            {
                best = v;
            }
        }

        return best!;
    }
}
