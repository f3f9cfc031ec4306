using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Cel.Runtime;

/// <summary>Converts plain .NET values into CEL values.</summary>
public static class CelValueConverter
{
    public static CelValue FromClr(object? value)
    {
        switch (value)
        {
            case null:
                return CelNull.Instance;
            case CelValue v:
                return v;
            case bool b:
                return CelBool.Of(b);
            case string s:
                return CelString.Of(s);
            case int i:
                return CelInt.Of(i);
            case long l:
                return CelInt.Of(l);
            case short sh:
                return CelInt.Of(sh);
            case sbyte sb:
                return CelInt.Of(sb);
            case uint ui:
                return CelUint.Of(ui);
            case ulong ul:
                return CelUint.Of(ul);
            case ushort us:
                return CelUint.Of(us);
            case byte by:
                return CelUint.Of(by);
            case double d:
                return CelDouble.Of(d);
            case float f:
                return CelDouble.Of(f);
            case decimal m:
                return m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue
                    ? CelInt.Of((long)m)
                    : CelDouble.Of((double)m);
            case byte[] bytes:
                return CelBytes.Of((byte[])bytes.Clone());
            case DateTimeOffset dto:
                return TimestampOf(dto);
            case DateTime dt:
                return TimestampOf(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt));
            case TimeSpan ts:
                return new CelDuration((Int128)ts.Ticks * 100);
            case JsonElement je:
                return JsonCelValues.FromElement(je);
            case JsonNode jn:
                return JsonCelValues.FromNode(jn);
            case JsonDocument doc:
                return JsonCelValues.FromElement(doc.RootElement);
            case IReadOnlyDictionary<string, object?> readOnly:
                return LazyStringKeyMap.Over(readOnly);
            case IDictionary<string, object?> mutable:
                return LazyStringKeyMap.Over(mutable);
            case IList list:
                return LazyList.Over(list);
            case IDictionary dict:
            {
                var d = CelDictionaryMap.NewDictionary(dict.Count);
                foreach (DictionaryEntry e in dict)
                {
                    d[FromClr(e.Key)] = FromClr(e.Value);
                }

                return new CelDictionaryMap(d);
            }

            case IEnumerable<KeyValuePair<string, object?>> pairs:
            {
                var d = CelDictionaryMap.NewDictionary();
                foreach (var (k, v) in pairs)
                {
                    d[CelString.Of(k)] = FromClr(v);
                }

                return new CelDictionaryMap(d);
            }

            case IEnumerable seq:
            {
                var items = new List<CelValue>();
                foreach (var item in seq)
                {
                    items.Add(FromClr(item));
                }

                return new CelArrayList(items.ToArray());
            }

            case char c:
                return CelString.Of(c.ToString());
            case Enum e:
                return CelInt.Of(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture));
            case Guid or Uri:
                return CelString.Of(value.ToString()!);
            default:
                if (value.GetType().IsClass || value.GetType().IsValueType && !value.GetType().IsPrimitive)
                {
                    // Records and other plain objects expose their public properties as map entries.
                    return LazyStringKeyMap.OverProperties(value);
                }

                throw new ArgumentException($"values of type {value.GetType()} cannot be used in CEL", nameof(value));
        }
    }

    /// <summary>Like <see cref="FromClr"/>, but an unsupported value becomes an error value instead of an exception.</summary>
    public static CelValue TryFromClr(object? value)
    {
        try
        {
            return FromClr(value);
        }
        catch (ArgumentException e)
        {
            return new CelError(e.Message);
        }
    }

    private static CelTimestamp TimestampOf(DateTimeOffset dto)
    {
        var ticks = dto.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }

        return new CelTimestamp(seconds, (int)(rem * 100));
    }
}
