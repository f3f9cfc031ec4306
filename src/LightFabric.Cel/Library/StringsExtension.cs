using System.Text;
using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>
/// The strings extension: charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim,
/// join, format, quote, reverse. Indices count Unicode code points.
/// </summary>
internal static class StringsExtension
{
    private static readonly CelType ListStr = CelType.List(CelType.String);

    public static void Register(FunctionRegistry r)
    {
        r.Binary("charAt", "string_char_at_int", true, Str, Int, Str, (s, i) => CharAt(((CelString)s).Value, ((CelInt)i).Value));
        r.Binary("indexOf", "string_index_of_string", true, Str, Str, Int, (s, sub) => IndexOf(((CelString)s).Value, ((CelString)sub).Value, 0));
        r.Member("indexOf", "string_index_of_string_int", Int, a => IndexOf(((CelString)a[0]).Value, ((CelString)a[1]).Value, ((CelInt)a[2]).Value), Str, Str, Int);
        r.Binary("lastIndexOf", "string_last_index_of_string", true, Str, Str, Int, (s, sub) => LastIndexOf(((CelString)s).Value, ((CelString)sub).Value, null));
        r.Member("lastIndexOf", "string_last_index_of_string_int", Int, a => LastIndexOf(((CelString)a[0]).Value, ((CelString)a[1]).Value, ((CelInt)a[2]).Value), Str, Str, Int);
        r.Unary("lowerAscii", "string_lower_ascii", true, Str, Str, s => CelString.Of(MapAscii(((CelString)s).Value, lower: true)));
        r.Unary("upperAscii", "string_upper_ascii", true, Str, Str, s => CelString.Of(MapAscii(((CelString)s).Value, lower: false)));
        r.Member("replace", "string_replace_string_string", Str, a => Replace(((CelString)a[0]).Value, ((CelString)a[1]).Value, ((CelString)a[2]).Value, -1), Str, Str, Str);
        r.Member("replace", "string_replace_string_string_int", Str, a => Replace(((CelString)a[0]).Value, ((CelString)a[1]).Value, ((CelString)a[2]).Value, ((CelInt)a[3]).Value), Str, Str, Str, Int);
        r.Binary("split", "string_split_string", true, Str, Str, ListStr, (s, sep) => Split(((CelString)s).Value, ((CelString)sep).Value, -1));
        r.Member("split", "string_split_string_int", ListStr, a => Split(((CelString)a[0]).Value, ((CelString)a[1]).Value, ((CelInt)a[2]).Value), Str, Str, Int);
        r.Binary("substring", "string_substring_int", true, Str, Int, Str, (s, b) => Substring(((CelString)s).Value, ((CelInt)b).Value, null));
        r.Member("substring", "string_substring_int_int", Str, a => Substring(((CelString)a[0]).Value, ((CelInt)a[1]).Value, ((CelInt)a[2]).Value), Str, Int, Int);
        r.Unary("trim", "string_trim", true, Str, Str, s => CelString.Of(Trim(((CelString)s).Value)));
        r.Unary("join", "list_join", true, ListStr, Str, l => Join((CelList)l, string.Empty));
        r.Binary("join", "list_join_string", true, ListStr, Str, Str, (l, sep) => Join((CelList)l, ((CelString)sep).Value));
        r.Binary("format", "string_format", true, Str, CelType.ListOfDyn, Str, (f, args) => StringFormatter.Format(((CelString)f).Value, (CelList)args));
        r.Unary("strings.quote", "strings_quote", false, Str, Str, s => CelString.Of(Quote(((CelString)s).Value)));
        r.Unary("reverse", "string_reverse", true, Str, Str, s => CelString.Of(Reverse(((CelString)s).Value)));
    }

    private static CelValue CharAt(string s, long i)
    {
        var n = CelStrings.CodePointCount(s);
        if (i < 0 || i > n)
        {
            return new CelError($"index out of range: {i}");
        }

        if (i == n)
        {
            return CelString.Empty;
        }

        var start = CelStrings.CharIndex(s, i);
        var len = char.IsHighSurrogate(s[start]) && start + 1 < s.Length ? 2 : 1;
        return CelString.Of(s.Substring(start, len));
    }

    private static CelValue IndexOf(string s, string sub, long from)
    {
        var n = CelStrings.CodePointCount(s);
        if (from < 0 || from > n)
        {
            return new CelError($"index out of range: {from}");
        }

        var start = CelStrings.CharIndex(s, from);
        var idx = s.IndexOf(sub, start, StringComparison.Ordinal);
        return CelInt.Of(idx < 0 ? -1 : CelStrings.CodePointIndex(s, idx));
    }

    private static CelValue LastIndexOf(string s, string sub, long? from)
    {
        var n = CelStrings.CodePointCount(s);
        if (from is { } f && (f < 0 || f > n))
        {
            return new CelError($"index out of range: {f}");
        }

        if (sub.Length == 0)
        {
            return CelInt.Of(from ?? n);
        }

        var limitCp = from ?? n;
        var limit = CelStrings.CharIndex(s, limitCp);

        // The match may start at the limit index and extend beyond it.
        var searchEnd = Math.Min(s.Length, limit + sub.Length);
        var idx = searchEnd == 0 ? -1 : s.LastIndexOf(sub, searchEnd - 1, searchEnd, StringComparison.Ordinal);
        return CelInt.Of(idx < 0 ? -1 : CelStrings.CodePointIndex(s, idx));
    }

    private static string MapAscii(string s, bool lower)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (lower && c is >= 'A' and <= 'Z')
            {
                chars[i] = (char)(c + 32);
            }
            else if (!lower && c is >= 'a' and <= 'z')
            {
                chars[i] = (char)(c - 32);
            }
        }

        return new string(chars);
    }

    private static CelValue Replace(string s, string old, string replacement, long count)
    {
        if (count == 0)
        {
            return CelString.Of(s);
        }

        if (count < 0)
        {
            if (old.Length == 0)
            {
                return CelString.Of(InsertBetweenRunes(s, replacement, long.MaxValue));
            }

            return CelString.Of(s.Replace(old, replacement, StringComparison.Ordinal));
        }

        if (old.Length == 0)
        {
            return CelString.Of(InsertBetweenRunes(s, replacement, count));
        }

        var sb = new StringBuilder();
        var pos = 0;
        for (long k = 0; k < count; k++)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0)
            {
                break;
            }

            sb.Append(s, pos, idx - pos).Append(replacement);
            pos = idx + old.Length;
        }

        sb.Append(s, pos, s.Length - pos);
        return CelString.Of(sb.ToString());
    }

    private static string InsertBetweenRunes(string s, string insert, long count)
    {
        var sb = new StringBuilder();
        long done = 0;
        if (done < count)
        {
            sb.Append(insert);
            done++;
        }

        foreach (var rune in s.EnumerateRunes())
        {
            sb.Append(rune.ToString());
            if (done < count)
            {
                sb.Append(insert);
                done++;
            }
        }

        return sb.ToString();
    }

    private static CelValue Split(string s, string sep, long limit)
    {
        if (limit == 0)
        {
            return CelArrayList.Empty;
        }

        string[] parts;
        if (sep.Length == 0)
        {
            var runes = CelStrings.CodePoints(s);
            if (limit > 0 && limit < runes.Length)
            {
                var head = runes.Take((int)limit - 1).ToList();
                head.Add(string.Concat(runes.Skip((int)limit - 1)));
                parts = head.ToArray();
            }
            else
            {
                parts = runes;
            }
        }
        else
        {
            parts = limit > 0
                ? s.Split(sep, (int)Math.Min(limit, int.MaxValue), StringSplitOptions.None)
                : s.Split(sep, StringSplitOptions.None);
        }

        return new CelArrayList(parts.Select(p => (CelValue)CelString.Of(p)).ToArray());
    }

    private static CelValue Substring(string s, long begin, long? end)
    {
        var n = CelStrings.CodePointCount(s);
        if (begin < 0 || begin > n)
        {
            return new CelError($"index out of range: {begin}");
        }

        var e = end ?? n;
        if (e < 0 || e > n)
        {
            return new CelError($"index out of range: {e}");
        }

        if (e < begin)
        {
            return new CelError($"invalid substring range. start: {begin}, end: {e}");
        }

        var bi = CelStrings.CharIndex(s, begin);
        var ei = CelStrings.CharIndex(s, e);
        return CelString.Of(s[bi..ei]);
    }

    private static string Trim(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsSpace(s[start]))
        {
            start++;
        }

        while (end > start && IsSpace(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    private static bool IsSpace(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u0085' or '\u00A0' or '\u1680'
        or (>= '\u2000' and <= '\u200A') or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000';

    private static CelValue Join(CelList list, string sep)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not CelString s)
            {
                return CelError.NoSuchOverload("join", list[i]);
            }

            if (i > 0)
            {
                sb.Append(sep);
            }

            sb.Append(s.Value);
        }

        return CelString.Of(sb.ToString());
    }

    internal static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in s.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case 7: sb.Append("\\a"); break;
                case 8: sb.Append("\\b"); break;
                case 12: sb.Append("\\f"); break;
                case 10: sb.Append("\\n"); break;
                case 13: sb.Append("\\r"); break;
                case 9: sb.Append("\\t"); break;
                case 11: sb.Append("\\v"); break;
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    sb.Append(rune.ToString());
                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string Reverse(string s)
    {
        var runes = CelStrings.CodePoints(s);
        Array.Reverse(runes);
        return string.Concat(runes);
    }
}
