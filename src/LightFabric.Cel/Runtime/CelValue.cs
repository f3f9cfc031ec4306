using System.Globalization;
using System.Text;
using LightFabric.Cel.Checking;

namespace LightFabric.Cel.Runtime;

/// <summary>The runtime kind of a <see cref="CelValue"/>; lets hot paths switch without type tests.</summary>
public enum CelValueKind : byte
{
    Null,
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    List,
    Map,
    Type,
    Timestamp,
    Duration,
    Optional,
    Opaque,
    Error,
}

/// <summary>
/// A CEL value. Values are immutable; booleans, null and small integers are cached so that
/// comparisons and logic allocate nothing.
/// </summary>
public abstract class CelValue
{
    protected CelValue(CelValueKind kind) => Kind = kind;

    public CelValueKind Kind { get; }

    public abstract CelType Type { get; }

    public bool IsError => Kind == CelValueKind.Error;

    /// <summary>Converts to a plain .NET value (long, ulong, double, string, byte[], lists, dictionaries, ...).</summary>
    public abstract object? ToClr();

    public override string ToString() => CelFormatter.Display(this);
}

public sealed class CelNull : CelValue
{
    public static readonly CelNull Instance = new();

    private CelNull() : base(CelValueKind.Null)
    {
    }

    public override CelType Type => CelType.Null;

    public override object? ToClr() => null;
}

public sealed class CelBool : CelValue
{
    public static readonly CelBool True = new(true);
    public static readonly CelBool False = new(false);

    private CelBool(bool value) : base(CelValueKind.Bool) => Value = value;

    public bool Value { get; }

    public override CelType Type => CelType.Bool;

    public static CelBool Of(bool value) => value ? True : False;

    public override object? ToClr() => Value;
}

public sealed class CelInt : CelValue
{
    private const int CacheMin = -128;
    private const int CacheMax = 1024;
    private static readonly CelInt[] Cache = CreateCache();

    private CelInt(long value) : base(CelValueKind.Int) => Value = value;

    public long Value { get; }

    public override CelType Type => CelType.Int;

    public static CelInt Of(long value) =>
        value >= CacheMin && value <= CacheMax ? Cache[value - CacheMin] : new CelInt(value);

    public override object? ToClr() => Value;

    private static CelInt[] CreateCache()
    {
        var cache = new CelInt[CacheMax - CacheMin + 1];
        for (var i = 0; i < cache.Length; i++)
        {
            cache[i] = new CelInt(i + CacheMin);
        }

        return cache;
    }
}

public sealed class CelUint : CelValue
{
    private static readonly CelUint[] Cache = Enumerable.Range(0, 257).Select(i => new CelUint((ulong)i)).ToArray();

    private CelUint(ulong value) : base(CelValueKind.Uint) => Value = value;

    public ulong Value { get; }

    public override CelType Type => CelType.Uint;

    public static CelUint Of(ulong value) => value < (ulong)Cache.Length ? Cache[value] : new CelUint(value);

    public override object? ToClr() => Value;
}

public sealed class CelDouble : CelValue
{
    public static readonly CelDouble Zero = new(0.0);

    private CelDouble(double value) : base(CelValueKind.Double) => Value = value;

    public double Value { get; }

    public override CelType Type => CelType.Double;

    public static CelDouble Of(double value) => value == 0.0 && !double.IsNegative(value) ? Zero : new CelDouble(value);

    public override object? ToClr() => Value;
}

public sealed class CelString : CelValue
{
    public static readonly CelString Empty = new(string.Empty);

    private CelString(string value) : base(CelValueKind.String) => Value = value;

    public string Value { get; }

    public override CelType Type => CelType.String;

    public static CelString Of(string value) => value.Length == 0 ? Empty : new CelString(value);

    public override object? ToClr() => Value;
}

public sealed class CelBytes : CelValue
{
    public static readonly CelBytes Empty = new([]);

    private readonly byte[] _value;

    private CelBytes(byte[] value) : base(CelValueKind.Bytes) => _value = value;

    public ReadOnlySpan<byte> Span => _value;

    public int Length => _value.Length;

    public override CelType Type => CelType.Bytes;

    /// <summary>Wraps the array without copying; the caller gives up ownership.</summary>
    public static CelBytes Of(byte[] value) => value.Length == 0 ? Empty : new CelBytes(value);

    public byte[] ToArray() => (byte[])_value.Clone();

    public override object? ToClr() => ToArray();
}

public sealed class CelTypeValue : CelValue
{
    public CelTypeValue(CelType value) : base(CelValueKind.Type) => Value = value;

    public CelType Value { get; }

    public override CelType Type => CelType.TypeOfDyn;

    public override object? ToClr() => Value.Name;
}

/// <summary>A point in time with nanosecond precision, between years 0001 and 9999 (UTC).</summary>
public sealed class CelTimestamp : CelValue
{
    public const long MinSeconds = -62135596800L;
    public const long MaxSeconds = 253402300799L;

    public CelTimestamp(long seconds, int nanos) : base(CelValueKind.Timestamp)
    {
        Seconds = seconds;
        Nanos = nanos;
    }

    public long Seconds { get; }

    public int Nanos { get; }

    public override CelType Type => CelType.Timestamp;

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanos / 100);

    public override object? ToClr() => ToDateTimeOffset();
}

/// <summary>A signed span with nanosecond precision, limited to 64-bit nanoseconds (about ±292 years).</summary>
public sealed class CelDuration : CelValue
{
    public CelDuration(Int128 totalNanos) : base(CelValueKind.Duration) => TotalNanos = totalNanos;

    public Int128 TotalNanos { get; }

    public override CelType Type => CelType.Duration;

    public long Seconds => (long)(TotalNanos / 1_000_000_000);

    public int Nanos => (int)(TotalNanos % 1_000_000_000);

    public override object? ToClr() => TimeSpan.FromTicks((long)(TotalNanos / 100));
}

public sealed class CelOptional : CelValue
{
    public static readonly CelOptional None = new(null);

    private CelOptional(CelValue? value) : base(CelValueKind.Optional) => Value = value;

    /// <summary>The wrapped value, or null when the optional is empty.</summary>
    public CelValue? Value { get; }

    public bool HasValue => Value is not null;

    public override CelType Type => CelType.OptionalOfDyn;

    public static CelOptional Of(CelValue value) => new(value);

    public override object? ToClr() => Value?.ToClr();
}

/// <summary>An error value. Errors flow through evaluation as values so that <c>&amp;&amp;</c> and <c>||</c> can absorb them.</summary>
public sealed class CelError : CelValue
{
    public CelError(string message, int offset = -1) : base(CelValueKind.Error)
    {
        Message = message;
        Offset = offset;
    }

    public string Message { get; }

    /// <summary>Source offset of the expression that raised the error, or -1.</summary>
    public int Offset { get; }

    public override CelType Type => CelType.Error;

    public override object? ToClr() => throw new CelEvaluationException(Message, Offset);

    public CelError WithOffset(int offset) => Offset >= 0 || offset < 0 ? this : new CelError(Message, offset);

    public static CelError NoSuchOverload(string function, params CelValue[] args)
    {
        var sb = new StringBuilder("no such overload: ").Append(function).Append('(');
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(args[i].Type.Name);
        }

        return new CelError(sb.Append(')').ToString());
    }

    public static CelError NoSuchKey(CelValue key) =>
        new(key is CelString s ? $"no such key: '{s.Value}'" : $"no such key: {CelFormatter.Display(key)}");

    public static CelError Overflow() => new("return error for overflow");

    public static readonly CelError DivideByZero = new("division by zero");

    public static readonly CelError ModulusByZero = new("modulus by zero");
}

/// <summary>Base for values of extension types (IP addresses, CIDR ranges).</summary>
public abstract class CelOpaque : CelValue
{
    protected CelOpaque() : base(CelValueKind.Opaque)
    {
    }

    public abstract bool OpaqueEquals(CelOpaque other);
}

internal static class CelNumbers
{
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(d))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Inf";
        }

        // Shortest round-trip digits, laid out like the reference implementation's %g
        // (exponent form below 1e-4 or from 1e6).
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var neg = shortest.StartsWith('-');
        if (neg)
        {
            shortest = shortest[1..];
        }

        var mantissa = shortest;
        var exp = 0;
        var ePos = shortest.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = shortest[..ePos];
            exp = int.Parse(shortest[(ePos + 1)..], CultureInfo.InvariantCulture);
        }

        var dot = mantissa.IndexOf('.');
        string digits;
        int pointPos;
        if (dot >= 0)
        {
            digits = mantissa[..dot] + mantissa[(dot + 1)..];
            pointPos = dot + exp;
        }
        else
        {
            digits = mantissa;
            pointPos = mantissa.Length + exp;
        }

        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            pointPos--;
        }

        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return neg ? "-0" : "0";
        }

        var decExp = pointPos - 1;
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }

        if (decExp < -4 || decExp >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            sb.Append('e').Append(decExp < 0 ? '-' : '+').Append(Math.Abs(decExp).ToString("00", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        if (pointPos <= 0)
        {
            sb.Append("0.").Append('0', -pointPos).Append(digits);
        }
        else if (pointPos >= digits.Length)
        {
            sb.Append(digits).Append('0', pointPos - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
        }

        return sb.ToString();
    }
}
