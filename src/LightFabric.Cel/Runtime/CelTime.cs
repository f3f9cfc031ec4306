using System.Globalization;

namespace LightFabric.Cel.Runtime;

/// <summary>Timestamp and duration parsing, arithmetic and calendar fields.</summary>
internal static class CelTime
{
    private const long NanosPerSecond = 1_000_000_000;

    public static Int128 ToNanos(CelTimestamp t) => ((Int128)t.Seconds * NanosPerSecond) + t.Nanos;

    public static CelValue FromNanos(Int128 nanos)
    {
        var seconds = (long)Int128.DivRem(nanos, NanosPerSecond).Quotient;
        var rem = (int)(nanos - ((Int128)seconds * NanosPerSecond));
        if (rem < 0)
        {
            seconds--;
            rem += (int)NanosPerSecond;
        }

        return MakeTimestamp(seconds, rem);
    }

    public static CelValue MakeTimestamp(long seconds, int nanos) =>
        seconds < CelTimestamp.MinSeconds || seconds > CelTimestamp.MaxSeconds
            ? new CelError("timestamp out of range")
            : new CelTimestamp(seconds, nanos);

    /// <summary>Durations are limited to what 64-bit nanoseconds hold (about ±292 years).</summary>
    public static CelValue MakeDuration(Int128 nanos) =>
        nanos > long.MaxValue || nanos < -long.MaxValue ? new CelError("duration out of range") : new CelDuration(nanos);

    public static CelValue AddToTimestamp(CelTimestamp t, Int128 nanos) => FromNanos(ToNanos(t) + nanos);

    /// <summary>Parses RFC 3339 (<c>2009-02-13T23:31:30.123Z</c>, <c>...+01:00</c>).</summary>
    public static CelValue ParseTimestamp(string s)
    {
        var i = 0;
        if (!Digits(s, ref i, 4, out var year) || !Lit(s, ref i, '-') || !Digits(s, ref i, 2, out var month) ||
            !Lit(s, ref i, '-') || !Digits(s, ref i, 2, out var day) || i >= s.Length || s[i] != 'T')
        {
            return Invalid(s);
        }

        i++;
        if (!Digits(s, ref i, 2, out var hour) || !Lit(s, ref i, ':') || !Digits(s, ref i, 2, out var minute) ||
            !Lit(s, ref i, ':') || !Digits(s, ref i, 2, out var second))
        {
            return Invalid(s);
        }

        var nanos = 0;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var frac = s[start..i];
            if (frac.Length == 0 || frac.Length > 9)
            {
                return Invalid(s);
            }

            nanos = int.Parse(frac.PadRight(9, '0'), CultureInfo.InvariantCulture);
        }

        if (i >= s.Length)
        {
            return Invalid(s);
        }

        var offsetSeconds = 0;
        if (s[i] == 'Z')
        {
            i++;
        }
        else if (s[i] is '+' or '-')
        {
            var sign = s[i] == '-' ? -1 : 1;
            i++;
            if (!Digits(s, ref i, 2, out var oh) || !Lit(s, ref i, ':') || !Digits(s, ref i, 2, out var om) || oh > 23 || om > 59)
            {
                return Invalid(s);
            }

            offsetSeconds = sign * ((oh * 3600) + (om * 60));
        }
        else
        {
            return Invalid(s);
        }

        if (i != s.Length)
        {
            return Invalid(s);
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 1 : year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return year < 1 ? new CelError("timestamp out of range") : Invalid(s);
        }

        var dt = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        var seconds = (long)(dt - DateTime.UnixEpoch).TotalSeconds - offsetSeconds;
        return MakeTimestamp(seconds, nanos);
    }

    private static CelError Invalid(string s) =>
        s.Length > 4 && s.IndexOf('-') > 4 ? new CelError("timestamp out of range") : new CelError($"invalid timestamp: '{s}'");

    private static bool Lit(string s, ref int i, char c)
    {
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    private static bool Digits(string s, ref int i, int count, out int value)
    {
        value = 0;
        if (i + count > s.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            var c = s[i + k];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        i += count;
        return true;
    }

    /// <summary>Parses a duration like <c>1h30m</c>, <c>-1.5s</c>, <c>100ms</c>, <c>3us</c>, <c>7ns</c>.</summary>
    public static CelValue ParseDuration(string s)
    {
        var i = 0;
        var negative = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            negative = s[i] == '-';
            i++;
        }

        if (s.Length - i == 1 && s[i] == '0')
        {
            return new CelDuration(0);
        }

        if (i >= s.Length)
        {
            return new CelError($"invalid duration: '{s}'");
        }

        decimal total = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return new CelError($"invalid duration: '{s}'");
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            var unit = s[unitStart..i] switch
            {
                "h" => 3600m * NanosPerSecond,
                "m" => 60m * NanosPerSecond,
                "s" => NanosPerSecond,
                "ms" => 1_000_000m,
                "us" or "µs" or "μs" => 1000m,
                "ns" => 1m,
                _ => -1m,
            };
            if (unit < 0)
            {
                return new CelError($"invalid duration: '{s}'");
            }

            try
            {
                total += number * unit;
            }
            catch (OverflowException)
            {
                return new CelError("duration out of range");
            }
        }

        if (total > long.MaxValue)
        {
            return new CelError("duration out of range");
        }

        var nanos = (Int128)decimal.Truncate(total);
        return MakeDuration(negative ? -nanos : nanos);
    }

    /// <summary>The calendar view of a timestamp in a time zone (IANA name or <c>±HH:MM</c>; default UTC).</summary>
    public static CelValue InZone(CelTimestamp t, string? zone, out DateTime local)
    {
        var utc = DateTime.UnixEpoch.AddSeconds(t.Seconds).AddTicks(t.Nanos / 100);
        local = utc;
        if (string.IsNullOrEmpty(zone) || zone == "UTC" || zone == "Z")
        {
            return CelNull.Instance;
        }

        var colon = zone.IndexOf(':');
        if (colon >= 0)
        {
            // A numeric offset such as +11:00 or -05:30.
            if (!int.TryParse(zone.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var h) ||
                !int.TryParse(zone.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 59 || Math.Abs(h) > 23)
            {
                return new CelError($"invalid time zone offset: '{zone}'");
            }

            var minutes = zone[0] == '-' ? (h * 60) - m : (h * 60) + m;
            local = utc.AddMinutes(minutes);
            return CelNull.Instance;
        }

        try
        {
            var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
            local = TimeZoneInfo.ConvertTimeFromUtc(utc, tz);
            return CelNull.Instance;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return new CelError($"invalid time zone: '{zone}'");
        }
    }
}
