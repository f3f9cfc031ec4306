using System.Globalization;
using System.Text;
using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Library;

/// <summary>The CEL standard definitions: operators, conversions, size, string predicates, time accessors.</summary>
internal static class StandardLibrary
{
    internal static readonly CelType Dyn = CelType.Dyn;
    internal static readonly CelType Int = CelType.Int;
    internal static readonly CelType Uint = CelType.Uint;
    internal static readonly CelType Dbl = CelType.Double;
    internal static readonly CelType Str = CelType.String;
    internal static readonly CelType Byt = CelType.Bytes;
    internal static readonly CelType Bool = CelType.Bool;
    internal static readonly CelType Null = CelType.Null;
    internal static readonly CelType Ts = CelType.Timestamp;
    internal static readonly CelType Dur = CelType.Duration;
    internal static readonly CelType A = CelType.Param("A");
    internal static readonly CelType B = CelType.Param("B");
    internal static readonly CelType ListA = CelType.List(A);
    internal static readonly CelType MapAB = CelType.Map(A, B);

    public static void Register(FunctionRegistry r)
    {
        RegisterOperators(r);
        RegisterConversions(r);
        RegisterStrings(r);
        RegisterTime(r);
    }

    private static void RegisterOperators(FunctionRegistry r)
    {
        foreach (var (t, id) in new[] { (Int, "int64"), (Uint, "uint64"), (Dbl, "double") })
        {
            r.Binary(Parsing.Operators.Add, "add_" + id, false, t, t, t, CelOperations.Add);
            r.Binary(Parsing.Operators.Subtract, "subtract_" + id, false, t, t, t, CelOperations.Subtract);
            r.Binary(Parsing.Operators.Multiply, "multiply_" + id, false, t, t, t, CelOperations.Multiply);
            r.Binary(Parsing.Operators.Divide, "divide_" + id, false, t, t, t, CelOperations.Divide);
        }

        r.Binary(Parsing.Operators.Modulo, "modulo_int64", false, Int, Int, Int, CelOperations.Modulo);
        r.Binary(Parsing.Operators.Modulo, "modulo_uint64", false, Uint, Uint, Uint, CelOperations.Modulo);
        r.Binary(Parsing.Operators.Add, "add_string", false, Str, Str, Str, CelOperations.Add);
        r.Binary(Parsing.Operators.Add, "add_bytes", false, Byt, Byt, Byt, CelOperations.Add);
        r.Binary(Parsing.Operators.Add, "add_list", false, ListA, ListA, ListA, CelOperations.Add);
        r.Binary(Parsing.Operators.Add, "add_timestamp_duration", false, Ts, Dur, Ts, CelOperations.Add);
        r.Binary(Parsing.Operators.Add, "add_duration_timestamp", false, Dur, Ts, Ts, CelOperations.Add);
        r.Binary(Parsing.Operators.Add, "add_duration_duration", false, Dur, Dur, Dur, CelOperations.Add);
        r.Binary(Parsing.Operators.Subtract, "subtract_timestamp_timestamp", false, Ts, Ts, Dur, CelOperations.Subtract);
        r.Binary(Parsing.Operators.Subtract, "subtract_timestamp_duration", false, Ts, Dur, Ts, CelOperations.Subtract);
        r.Binary(Parsing.Operators.Subtract, "subtract_duration_duration", false, Dur, Dur, Dur, CelOperations.Subtract);
        r.Unary(Parsing.Operators.Negate, "negate_int64", false, Int, Int, CelOperations.Negate);
        r.Unary(Parsing.Operators.Negate, "negate_double", false, Dbl, Dbl, CelOperations.Negate);
        r.Unary(Parsing.Operators.LogicalNot, "logical_not", false, Bool, Bool, CelOperations.Not);
        r.Unary(Parsing.Operators.NotStrictlyFalse, "not_strictly_false", false, Bool, Bool, v => v);

        // Logic, equality, ordering, indexing and membership run in dedicated evaluator nodes; these declarations
        // describe them to the checker.
        r.Declare(Parsing.Operators.LogicalAnd, "logical_and", false, [Bool, Bool], Bool);
        r.Declare(Parsing.Operators.LogicalOr, "logical_or", false, [Bool, Bool], Bool);
        r.Declare(Parsing.Operators.Conditional, "conditional", false, [Bool, A, A], A);
        r.Declare(Parsing.Operators.Equal, "equals", false, [A, A], Bool);
        r.Declare(Parsing.Operators.NotEquals, "not_equals", false, [A, A], Bool);
        r.Declare(Parsing.Operators.Index, "index_list", false, [ListA, Int], A);
        r.Declare(Parsing.Operators.Index, "index_map", false, [MapAB, A], B);
        r.Declare(Parsing.Operators.Index, "optional_list_index_int", false, [CelType.Optional(ListA), Int], CelType.Optional(A));
        r.Declare(Parsing.Operators.Index, "optional_map_index_value", false, [CelType.Optional(MapAB), A], CelType.Optional(B));
        r.Declare(Parsing.Operators.In, "in_list", false, [A, ListA], Bool);
        r.Declare(Parsing.Operators.In, "in_map", false, [A, MapAB], Bool);

        var ordered = new[] { (Int, "int64"), (Uint, "uint64"), (Dbl, "double"), (Str, "string"), (Byt, "bytes"), (Bool, "bool"), (Ts, "timestamp"), (Dur, "duration") };
        var cross = new[] { (Int, Uint, "int64_uint64"), (Int, Dbl, "int64_double"), (Uint, Int, "uint64_int64"), (Uint, Dbl, "uint64_double"), (Dbl, Int, "double_int64"), (Dbl, Uint, "double_uint64") };
        foreach (var (op, name) in new[] { (Parsing.Operators.Less, "less"), (Parsing.Operators.LessEquals, "less_equals"), (Parsing.Operators.Greater, "greater"), (Parsing.Operators.GreaterEquals, "greater_equals") })
        {
            foreach (var (t, id) in ordered)
            {
                r.Declare(op, $"{name}_{id}", false, [t, t], Bool);
            }

            foreach (var (t1, t2, id) in cross)
            {
                r.Declare(op, $"{name}_{id}", false, [t1, t2], Bool);
            }
        }

        r.Unary("size", "size_string", false, Str, Int, CelOperations.Size);
        r.Unary("size", "size_bytes", false, Byt, Int, CelOperations.Size);
        r.Unary("size", "size_list", false, ListA, Int, CelOperations.Size);
        r.Unary("size", "size_map", false, MapAB, Int, CelOperations.Size);
        r.Unary("size", "string_size", true, Str, Int, CelOperations.Size);
        r.Unary("size", "bytes_size", true, Byt, Int, CelOperations.Size);
        r.Unary("size", "list_size", true, ListA, Int, CelOperations.Size);
        r.Unary("size", "map_size", true, MapAB, Int, CelOperations.Size);
    }

    private static void RegisterConversions(FunctionRegistry r)
    {
        r.Unary("int", "int64_to_int64", false, Int, Int, v => v);
        r.Unary("int", "uint64_to_int64", false, Uint, Int, v =>
            ((CelUint)v).Value > long.MaxValue ? new CelError("integer overflow: int range error") : CelInt.Of((long)((CelUint)v).Value));
        r.Unary("int", "double_to_int64", false, Dbl, Int, v => DoubleToInt(((CelDouble)v).Value));
        r.Unary("int", "string_to_int64", false, Str, Int, v =>
            long.TryParse(((CelString)v).Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? CelInt.Of(l)
                : new CelError($"type conversion error from 'string' to 'int': '{((CelString)v).Value}'"));
        r.Unary("int", "timestamp_to_int64", false, Ts, Int, v => CelInt.Of(((CelTimestamp)v).Seconds));
        r.Unary("int", "duration_to_int64", false, Dur, Int, v => CelInt.Of((long)((CelDuration)v).TotalNanos));

        r.Unary("uint", "uint64_to_uint64", false, Uint, Uint, v => v);
        r.Unary("uint", "int64_to_uint64", false, Int, Uint, v =>
            ((CelInt)v).Value < 0 ? new CelError("unsigned integer overflow: uint range error") : CelUint.Of((ulong)((CelInt)v).Value));
        r.Unary("uint", "double_to_uint64", false, Dbl, Uint, v => DoubleToUint(((CelDouble)v).Value));
        r.Unary("uint", "string_to_uint64", false, Str, Uint, v =>
            ulong.TryParse(((CelString)v).Value, NumberStyles.None, CultureInfo.InvariantCulture, out var u)
                ? CelUint.Of(u)
                : new CelError($"type conversion error from 'string' to 'uint': '{((CelString)v).Value}'"));

        r.Unary("double", "double_to_double", false, Dbl, Dbl, v => v);
        r.Unary("double", "int64_to_double", false, Int, Dbl, v => CelDouble.Of(((CelInt)v).Value));
        r.Unary("double", "uint64_to_double", false, Uint, Dbl, v => CelDouble.Of(((CelUint)v).Value));
        r.Unary("double", "string_to_double", false, Str, Dbl, v => ParseDouble(((CelString)v).Value));

        r.Unary("string", "string_to_string", false, Str, Str, v => v);
        r.Unary("string", "int64_to_string", false, Int, Str, v => CelString.Of(((CelInt)v).Value.ToString(CultureInfo.InvariantCulture)));
        r.Unary("string", "uint64_to_string", false, Uint, Str, v => CelString.Of(((CelUint)v).Value.ToString(CultureInfo.InvariantCulture)));
        r.Unary("string", "double_to_string", false, Dbl, Str, v => CelString.Of(CelNumbers.FormatDouble(((CelDouble)v).Value)));
        r.Unary("string", "bool_to_string", false, Bool, Str, v => CelString.Of(((CelBool)v).Value ? "true" : "false"));
        r.Unary("string", "bytes_to_string", false, Byt, Str, v =>
            CelStrings.DecodeUtf8(((CelBytes)v).Span) is { } s ? CelString.Of(s) : new CelError("invalid UTF-8 in bytes, cannot convert to string"));
        r.Unary("string", "timestamp_to_string", false, Ts, Str, v => CelString.Of(CelFormatter.FormatTimestamp((CelTimestamp)v)));
        r.Unary("string", "duration_to_string", false, Dur, Str, v => CelString.Of(CelFormatter.FormatDuration((CelDuration)v)));

        r.Unary("bytes", "bytes_to_bytes", false, Byt, Byt, v => v);
        r.Unary("bytes", "string_to_bytes", false, Str, Byt, v => CelBytes.Of(Encoding.UTF8.GetBytes(((CelString)v).Value)));

        r.Unary("bool", "bool_to_bool", false, Bool, Bool, v => v);
        r.Unary("bool", "string_to_bool", false, Str, Bool, v => ((CelString)v).Value switch
        {
            "1" or "t" or "true" or "TRUE" or "True" => CelBool.True,
            "0" or "f" or "false" or "FALSE" or "False" => CelBool.False,
            var s => new CelError($"Type conversion error from 'string' to 'bool': '{s}'"),
        });

        r.Unary("dyn", "to_dyn", false, A, Dyn, v => v);
        r.Unary("type", "type", false, A, CelType.TypeOf(A), v => new CelTypeValue(v.Type));

        r.Unary("timestamp", "timestamp_to_timestamp", false, Ts, Ts, v => v);
        r.Unary("timestamp", "string_to_timestamp", false, Str, Ts, v => CelTime.ParseTimestamp(((CelString)v).Value));
        r.Unary("timestamp", "int64_to_timestamp", false, Int, Ts, v => CelTime.MakeTimestamp(((CelInt)v).Value, 0));
        r.Unary("duration", "duration_to_duration", false, Dur, Dur, v => v);
        r.Unary("duration", "string_to_duration", false, Str, Dur, v => CelTime.ParseDuration(((CelString)v).Value));
        r.Unary("duration", "int64_to_duration", false, Int, Dur, v => new CelDuration(((CelInt)v).Value));
    }

    internal static CelValue DoubleToInt(double d)
    {
        if (double.IsNaN(d) || d <= -9223372036854775808.0 || d >= 9223372036854775808.0)
        {
            return new CelError("integer overflow: int range error");
        }

        return CelInt.Of((long)d);
    }

    internal static CelValue DoubleToUint(double d)
    {
        if (double.IsNaN(d) || d < 0 || d >= 18446744073709551616.0)
        {
            return new CelError("unsigned integer overflow: uint range error");
        }

        return CelUint.Of((ulong)d);
    }

    internal static CelValue ParseDouble(string s)
    {
        switch (s.ToLowerInvariant())
        {
            case "nan":
                return CelDouble.Of(double.NaN);
            case "inf" or "+inf" or "infinity" or "+infinity":
                return CelDouble.Of(double.PositiveInfinity);
            case "-inf" or "-infinity":
                return CelDouble.Of(double.NegativeInfinity);
        }

        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(s, style, CultureInfo.InvariantCulture, out var d)
            ? CelDouble.Of(d)
            : new CelError($"type conversion error from 'string' to 'double': '{s}'");
    }

    private static void RegisterStrings(FunctionRegistry r)
    {
        r.Binary("contains", "contains_string", true, Str, Str, Bool, (a, b) =>
            CelBool.Of(((CelString)a).Value.Contains(((CelString)b).Value, StringComparison.Ordinal)));
        r.Binary("startsWith", "starts_with_string", true, Str, Str, Bool, (a, b) =>
            CelBool.Of(((CelString)a).Value.StartsWith(((CelString)b).Value, StringComparison.Ordinal)));
        r.Binary("endsWith", "ends_with_string", true, Str, Str, Bool, (a, b) =>
            CelBool.Of(((CelString)a).Value.EndsWith(((CelString)b).Value, StringComparison.Ordinal)));
        r.Binary("matches", "matches", false, Str, Str, Bool, Matches);
        r.Binary("matches", "matches_string", true, Str, Str, Bool, Matches);
    }

    private static CelValue Matches(CelValue text, CelValue pattern)
    {
        var regex = Re2.Re2Cache.Shared.Get(((CelString)pattern).Value, out var error);
        if (regex is null)
        {
            return new CelError(error!);
        }

        return Re2.Re2Cache.IsMatch(regex, ((CelString)text).Value) is { } matched
            ? CelBool.Of(matched)
            : new CelError("regular expression match exceeded its time limit");
    }

    private static void RegisterTime(FunctionRegistry r)
    {
        void Field(string name, Func<DateTime, long> f)
        {
            r.Unary(name, $"timestamp_to_{name}", true, Ts, Int, v =>
            {
                var err = CelTime.InZone((CelTimestamp)v, null, out var local);
                return err is CelError ? err : CelInt.Of(f(local));
            });
            r.Binary(name, $"timestamp_to_{name}_with_tz", true, Ts, Str, Int, (v, z) =>
            {
                var err = CelTime.InZone((CelTimestamp)v, ((CelString)z).Value, out var local);
                return err is CelError ? err : CelInt.Of(f(local));
            });
        }

        Field("getFullYear", d => d.Year);
        Field("getMonth", d => d.Month - 1);
        Field("getDate", d => d.Day);
        Field("getDayOfMonth", d => d.Day - 1);
        Field("getDayOfWeek", d => (int)d.DayOfWeek);
        Field("getDayOfYear", d => d.DayOfYear - 1);
        Field("getHours", d => d.Hour);
        Field("getMinutes", d => d.Minute);
        Field("getSeconds", d => d.Second);
        Field("getMilliseconds", d => d.Millisecond);

        r.Unary("getHours", "duration_to_hours", true, Dur, Int, v => CelInt.Of((long)(((CelDuration)v).TotalNanos / 3_600_000_000_000)));
        r.Unary("getMinutes", "duration_to_minutes", true, Dur, Int, v => CelInt.Of((long)(((CelDuration)v).TotalNanos / 60_000_000_000)));
        r.Unary("getSeconds", "duration_to_seconds", true, Dur, Int, v => CelInt.Of((long)(((CelDuration)v).TotalNanos / 1_000_000_000)));
        r.Unary("getMilliseconds", "duration_to_milliseconds", true, Dur, Int, v => CelInt.Of((long)(((CelDuration)v).TotalNanos / 1_000_000)));
    }
}
