using System.Text;

namespace LightFabric.Cel.Runtime;

/// <summary>CEL strings are sequences of Unicode code points; these helpers index them by code point.</summary>
internal static class CelStrings
{
    public static bool HasSurrogates(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    public static int CodePointCount(string s)
    {
        var n = s.Length;
        foreach (var c in s)
        {
            if (char.IsLowSurrogate(c))
            {
                n--;
            }
        }

        return n;
    }

    /// <summary>UTF-16 offset of the code point at <paramref name="cp"/>; <c>cp == count</c> gives the length.</summary>
    public static int CharIndex(string s, long cp)
    {
        if (!HasSurrogates(s))
        {
            return (int)cp;
        }

        var i = 0;
        for (long k = 0; k < cp && i < s.Length; k++)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
        }

        return i;
    }

    /// <summary>Code point index of the UTF-16 offset <paramref name="charIndex"/>.</summary>
    public static int CodePointIndex(string s, int charIndex)
    {
        var n = 0;
        for (var i = 0; i < charIndex; i++)
        {
            if (!char.IsLowSurrogate(s[i]))
            {
                n++;
            }
        }

        return n;
    }

    public static string[] CodePoints(string s)
    {
        var list = new List<string>(s.Length);
        var e = StringInfo(s);
        foreach (var r in e)
        {
            list.Add(r);
        }

        return list.ToArray();
    }

    private static IEnumerable<string> StringInfo(string s)
    {
        foreach (var r in s.EnumerateRunes())
        {
            yield return r.ToString();
        }
    }

    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    public static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!IsValidUtf8(bytes))
        {
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
