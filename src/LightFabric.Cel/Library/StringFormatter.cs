using System.Globalization;
using System.Numerics;
using System.Text;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Library;

/// <summary><c>"...".format([args])</c> with the clauses %s, %d, %f, %e, %x, %X, %o, %b and precision (<c>%.3f</c>).</summary>
internal static class StringFormatter
{
    public static CelValue Format(string format, CelList args)
    {
        var sb = new StringBuilder();
        var argIndex = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            i++;
            if (i >= format.Length)
            {
                return new CelError("could not parse formatting clause: unexpected end of format string");
            }

            if (format[i] == '%')
            {
                sb.Append('%');
                continue;
            }

            int? precision = null;
            if (format[i] == '.')
            {
                i++;
                var start = i;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    i++;
                }

                if (start == i || i >= format.Length)
                {
                    return new CelError("could not parse formatting clause: missing precision or clause after '.'");
                }

                precision = int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            }

            var clause = format[i];
            if ("sdfexXob".IndexOf(clause) < 0)
            {
                return new CelError($"could not parse formatting clause: unrecognized formatting clause \"{clause}\"");
            }

            if (argIndex >= args.Count)
            {
                return new CelError($"index {argIndex} out of range");
            }

            var arg = args[argIndex++];
            var r = FormatClause(clause, precision, arg);
            if (r is CelError)
            {
                return r;
            }

            sb.Append(((CelString)r).Value);
        }

        return CelString.Of(sb.ToString());
    }

    private static CelValue FormatClause(char clause, int? precision, CelValue arg)
    {
        switch (clause)
        {
            case 's':
                return CelString.Of(CelFormatter.Display(arg));
            case 'd':
                return arg switch
                {
                    CelInt i => CelString.Of(i.Value.ToString(CultureInfo.InvariantCulture)),
                    CelUint u => CelString.Of(u.Value.ToString(CultureInfo.InvariantCulture)),
                    CelDouble d when !double.IsFinite(d.Value) => CelString.Of(CelFormatter.FormatDoubleForText(d.Value)),
                    _ => Fail($"decimal clause can only be used on integers, was given {arg.Type.Name}"),
                };
            case 'f':
            {
                if (ToDouble(arg) is not { } d)
                {
                    return Fail($"fixed-point clause can only be used on doubles, was given {arg.Type.Name}");
                }

                if (!double.IsFinite(d))
                {
                    return CelString.Of(CelFormatter.FormatDoubleForText(d));
                }

                return CelString.Of(d.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture));
            }

            case 'e':
            {
                if (ToDouble(arg) is not { } d)
                {
                    return Fail($"scientific clause can only be used on doubles, was given {arg.Type.Name}");
                }

                if (!double.IsFinite(d))
                {
                    return CelString.Of(CelFormatter.FormatDoubleForText(d));
                }

                var s = d.ToString("e" + (precision ?? 6), CultureInfo.InvariantCulture);

                // .NET writes at least three exponent digits; CEL (like C) writes at least two.
                var ePos = s.IndexOf('e');
                var exp = int.Parse(s.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return CelString.Of(s[..ePos] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
            }

            case 'x':
            case 'X':
            {
                var hex = arg switch
                {
                    CelInt i => i.Value < 0 ? "-" + ((ulong)(-(BigInteger)i.Value)).ToString("x", CultureInfo.InvariantCulture) : i.Value.ToString("x", CultureInfo.InvariantCulture),
                    CelUint u => u.Value.ToString("x", CultureInfo.InvariantCulture),
                    CelBytes b => Convert.ToHexStringLower(b.Span),
                    CelString s => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(s.Value)),
                    _ => null,
                };
                if (hex is null)
                {
                    return Fail($"only integers, byte buffers, and strings can be formatted as hex, was given {arg.Type.Name}");
                }

                return CelString.Of(clause == 'X' ? hex.ToUpperInvariant() : hex);
            }

            case 'o':
                return arg switch
                {
                    CelInt i => CelString.Of((i.Value < 0 ? "-" : string.Empty) + ToBase((ulong)BigInteger.Abs(i.Value), 8)),
                    CelUint u => CelString.Of(ToBase(u.Value, 8)),
                    _ => Fail($"octal clause can only be used on integers, was given {arg.Type.Name}"),
                };
            case 'b':
                return arg switch
                {
                    CelInt i => CelString.Of((i.Value < 0 ? "-" : string.Empty) + ToBase((ulong)BigInteger.Abs(i.Value), 2)),
                    CelUint u => CelString.Of(ToBase(u.Value, 2)),
                    CelBool b => CelString.Of(b.Value ? "1" : "0"),
                    _ => Fail($"only integers and bools can be formatted as binary, was given {arg.Type.Name}"),
                };
            default:
                return Fail($"unrecognized formatting clause \"{clause}\"");
        }
    }

    private static CelError Fail(string message) => new($"error during formatting: {message}");

    private static double? ToDouble(CelValue v) => v switch
    {
        CelDouble d => d.Value,
        CelInt i => i.Value,
        CelUint u => u.Value,
        _ => null,
    };

    private static string ToBase(ulong v, int radix)
    {
        if (v == 0)
        {
            return "0";
        }

        var chars = new Stack<char>();
        while (v > 0)
        {
            chars.Push((char)('0' + (int)(v % (ulong)radix)));
            v /= (ulong)radix;
        }

        return new string(chars.ToArray());
    }
}
