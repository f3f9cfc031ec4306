using System.Globalization;
using System.Text;

namespace LightFabric.Cel.Runtime;

/// <summary>Text forms of values: <c>string()</c> conversions and the <c>%s</c> clause of <c>format</c>.</summary>
public static class CelFormatter
{
    /// <summary>Readable form of any value, as <c>"%s".format([v])</c> prints it.</summary>
    public static string Display(CelValue value)
    {
        var sb = new StringBuilder();
        Append(sb, value, 0);
        return sb.ToString();
    }

    internal static void Append(StringBuilder sb, CelValue value, int depth)
    {
        switch (value)
        {
            case CelNull:
                sb.Append("null");
                break;
            case CelBool b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case CelInt i:
                sb.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case CelUint u:
                sb.Append(u.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case CelDouble d:
                sb.Append(FormatDoubleForText(d.Value));
                break;
            case CelString s:
                sb.Append(s.Value);
                break;
            case CelBytes y:
                sb.Append(Encoding.UTF8.GetString(y.Span));
                break;
            case CelList l:
                sb.Append('[');
                for (var k = 0; k < l.Count; k++)
                {
                    if (k > 0)
                    {
                        sb.Append(", ");
                    }

                    Append(sb, l[k], depth + 1);
                }

                sb.Append(']');
                break;
            case CelMap m:
            {
                var entries = new List<(string Key, CelValue Value)>();
                foreach (var key in m.Keys)
                {
                    m.TryGetValue(key, out var v);
                    entries.Add((Display(key), v));
                }

                entries.Sort((x, y) => string.CompareOrdinal(x.Key, y.Key));
                sb.Append('{');
                for (var k = 0; k < entries.Count; k++)
                {
                    if (k > 0)
                    {
                        sb.Append(", ");
                    }

                    sb.Append(entries[k].Key).Append(": ");
                    Append(sb, entries[k].Value, depth + 1);
                }

                sb.Append('}');
                break;
            }

            case CelTypeValue t:
                sb.Append(t.Value.Name);
                break;
            case CelTimestamp ts:
                sb.Append(FormatTimestamp(ts));
                break;
            case CelDuration du:
                sb.Append(FormatDuration(du));
                break;
            case CelOptional o:
                if (o.HasValue)
                {
                    sb.Append("optional.of(");
                    Append(sb, o.Value!, depth + 1);
                    sb.Append(')');
                }
                else
                {
                    sb.Append("optional.none()");
                }

                break;
            case CelError e:
                sb.Append("error: ").Append(e.Message);
                break;
            default:
                sb.Append(value.ToClr()?.ToString());
                break;
        }
    }

    public static string FormatDoubleForText(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(d))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Infinity";
        }

        return CelNumbers.FormatDouble(d);
    }

    /// <summary>RFC 3339 in UTC with the fraction's trailing zeros removed.</summary>
    public static string FormatTimestamp(CelTimestamp ts)
    {
        var dt = DateTimeOffset.UnixEpoch.AddSeconds(ts.Seconds).UtcDateTime;
        var sb = new StringBuilder(dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        AppendFraction(sb, ts.Nanos);
        return sb.Append('Z').ToString();
    }

    /// <summary>Seconds with an optional fraction and the <c>s</c> suffix, e.g. <c>1.5s</c>.</summary>
    public static string FormatDuration(CelDuration d)
    {
        var total = d.TotalNanos;
        var sb = new StringBuilder();
        if (total < 0)
        {
            sb.Append('-');
            total = -total;
        }

        sb.Append(((long)(total / 1_000_000_000)).ToString(CultureInfo.InvariantCulture));
        var nanos = (int)(total % 1_000_000_000);
        if (nanos != 0)
        {
            sb.Append('.').Append(nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return sb.Append('s').ToString();
    }

    private static void AppendFraction(StringBuilder sb, int nanos)
    {
        if (nanos != 0)
        {
            sb.Append('.').Append(nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0'));
        }
    }
}
