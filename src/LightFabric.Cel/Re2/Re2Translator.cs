using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LightFabric.Cel.Re2;

/// <summary>
/// Translates RE2 syntax to .NET syntax for the linear-time <see cref="RegexOptions.NonBacktracking"/> engine and
/// rejects what RE2 does not support (backreferences, lookaround, atomic groups, possessive quantifiers).
/// </summary>
internal static class Re2Translator
{
    private const int MaxRepeat = 1000;

    public static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var multiline = pattern.Contains("(?m", StringComparison.Ordinal) || HasFlagGroupWith(pattern, 'm');
        var i = 0;
        var inClass = false;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i = TranslateEscape(pattern, i, sb, inClass);
                continue;
            }

            if (inClass)
            {
                if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
                {
                    var end = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new ArgumentException("missing closing ]");
                    }

                    sb.Append(PosixClass(pattern[(i + 2)..end]));
                    i = end + 2;
                    continue;
                }

                if (c == '[')
                {
                    sb.Append("\\[");
                    i++;
                    continue;
                }

                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                i++;
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    i++;
                    if (i < pattern.Length && pattern[i] == '^')
                    {
                        sb.Append('^');
                        i++;
                    }

                    if (i < pattern.Length && pattern[i] == ']')
                    {
                        sb.Append("\\]");
                        i++;
                    }

                    continue;
                case '(':
                    i = TranslateGroup(pattern, i, sb);
                    continue;
                case '$':
                    sb.Append(multiline ? "$" : "\\z");
                    i++;
                    continue;
                case '{':
                    i = TranslateRepeat(pattern, i, sb);
                    continue;
                case '*':
                case '+':
                case '?':
                    sb.Append(c);
                    i++;
                    if (i < pattern.Length && pattern[i] is '*' or '+')
                    {
                        throw new ArgumentException($"bad repetition operator: {c}{pattern[i]}");
                    }

                    continue;
                default:
                    sb.Append(c);
                    i++;
                    continue;
            }
        }

        if (inClass)
        {
            throw new ArgumentException("missing closing ]");
        }

        return sb.ToString();
    }

    private static bool HasFlagGroupWith(string pattern, char flag)
    {
        for (var i = 0; i + 2 < pattern.Length; i++)
        {
            if (pattern[i] == '(' && pattern[i + 1] == '?')
            {
                var j = i + 2;
                while (j < pattern.Length && char.IsAsciiLetter(pattern[j]) || (j < pattern.Length && pattern[j] == '-'))
                {
                    if (pattern[j] == flag)
                    {
                        return true;
                    }

                    j++;
                }
            }
        }

        return false;
    }

    private static int TranslateGroup(string p, int i, StringBuilder sb)
    {
        if (i + 1 >= p.Length || p[i + 1] != '?')
        {
            sb.Append('(');
            return i + 1;
        }

        var rest = p.AsSpan(i + 2);
        if (rest.StartsWith("P<"))
        {
            sb.Append("(?<");
            return i + 4;
        }

        if (rest.StartsWith("<") && rest.Length > 1 && rest[1] is not ('=' or '!'))
        {
            sb.Append("(?<");
            return i + 3;
        }

        if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
        {
            throw new ArgumentException("lookaround assertions are not supported");
        }

        if (rest.StartsWith(">"))
        {
            throw new ArgumentException("atomic groups are not supported");
        }

        if (rest.StartsWith(":"))
        {
            sb.Append("(?:");
            return i + 3;
        }

        // Flag groups: (?flags) or (?flags:...)
        var j = i + 2;
        while (j < p.Length && (p[j] is 'i' or 'm' or 's' or '-'))
        {
            j++;
        }

        if (j < p.Length && p[j] == 'U')
        {
            throw new ArgumentException("the ungreedy flag (?U) is not supported");
        }

        if (j < p.Length && (p[j] == ')' || p[j] == ':') && j > i + 2)
        {
            sb.Append(p, i, j - i + 1);
            return j + 1;
        }

        throw new ArgumentException($"invalid or unsupported Perl syntax: (?{(j < p.Length ? p[j] : ' ')}");
    }

    private static int TranslateRepeat(string p, int i, StringBuilder sb)
    {
        var close = p.IndexOf('}', i);
        if (close < 0)
        {
            sb.Append("\\{");
            return i + 1;
        }

        var body = p[(i + 1)..close];
        var parts = body.Split(',');
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min))
        {
            // Not a repetition: RE2 treats it as a literal brace.
            sb.Append("\\{");
            return i + 1;
        }

        var max = min;
        if (parts.Length == 2 && parts[1].Length > 0 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max))
        {
            sb.Append("\\{");
            return i + 1;
        }

        if (min > MaxRepeat || max > MaxRepeat || (parts.Length == 2 && parts[1].Length > 0 && max < min))
        {
            throw new ArgumentException($"invalid repeat count: {{{body}}}");
        }

        sb.Append(p, i, close - i + 1);
        return close + 1;
    }

    private static int TranslateEscape(string p, int i, StringBuilder sb, bool inClass)
    {
        if (i + 1 >= p.Length)
        {
            throw new ArgumentException("trailing backslash at end of expression");
        }

        var c = p[i + 1];
        switch (c)
        {
            case >= '1' and <= '9':
                throw new ArgumentException($"backreferences are not supported: \\{c}");
            case 'k':
                throw new ArgumentException("backreferences are not supported: \\k");
            case 'C':
            case 'Z':
            case 'G':
                throw new ArgumentException($"invalid escape sequence: \\{c}");
            case 'd':
                sb.Append(inClass ? "0-9" : "[0-9]");
                return i + 2;
            case 'w':
                sb.Append(inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]");
                return i + 2;
            case 's':
                sb.Append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
                return i + 2;
            case 'D':
                sb.Append(inClass ? "\\D" : "[^0-9]");
                return i + 2;
            case 'W':
                sb.Append(inClass ? "\\W" : "[^0-9A-Za-z_]");
                return i + 2;
            case 'S':
                sb.Append(inClass ? "\\S" : "[^\\t\\n\\f\\r ]");
                return i + 2;
            case 'Q':
            {
                var end = p.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                var literal = end < 0 ? p[(i + 2)..] : p[(i + 2)..end];
                sb.Append(Regex.Escape(literal));
                return end < 0 ? p.Length : end + 2;
            }

            case 'p':
            case 'P':
                if (i + 2 < p.Length && p[i + 2] != '{')
                {
                    sb.Append('\\').Append(c).Append('{').Append(p[i + 2]).Append('}');
                    return i + 3;
                }

                sb.Append('\\').Append(c);
                return i + 2;
            case 'x':
                if (i + 2 < p.Length && p[i + 2] == '{')
                {
                    var end = p.IndexOf('}', i + 3);
                    if (end < 0 || !int.TryParse(p.AsSpan(i + 3, end - i - 3), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp) || cp > 0x10FFFF)
                    {
                        throw new ArgumentException("invalid escape sequence: \\x{");
                    }

                    sb.Append(Regex.Escape(char.ConvertFromUtf32(cp)));
                    return end + 1;
                }

                sb.Append(p, i, 2);
                return i + 2;
            default:
                sb.Append(p, i, 2);
                return i + 2;
        }
    }

    private static string PosixClass(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => "\\x00-\\x7F",
        "blank" => "\\t ",
        "cntrl" => "\\x00-\\x1F\\x7F",
        "digit" => "0-9",
        "graph" => "!-~",
        "lower" => "a-z",
        "print" => " -~",
        "punct" => "!-/:-@\\[-`{-~",
        "space" => "\\t\\n\\v\\f\\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ => throw new ArgumentException($"invalid character class range: [:{name}:]"),
    };
}

/// <summary>Compiled patterns shared by all programs, bounded in size.</summary>
internal sealed class Re2Cache
{
    private const int Capacity = 512;
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (Regex? Regex, string? Error)> _entries = new(StringComparer.Ordinal);

    public static Re2Cache Shared { get; } = new();

    public Regex? Get(string pattern, out string? error)
    {
        if (_entries.TryGetValue(pattern, out var hit))
        {
            error = hit.Error;
            return hit.Regex;
        }

        var entry = Compile(pattern);
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[pattern] = entry;
        error = entry.Error;
        return entry.Regex;
    }

    public static (Regex? Regex, string? Error) Compile(string pattern)
    {
        try
        {
            var translated = Re2Translator.Translate(pattern);
            var regex = new Regex(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
            return (regex, null);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return (null, $"invalid regular expression '{pattern}': {e.Message}");
        }
    }

    /// <summary>Matches anywhere in <paramref name="text"/>; null when the time limit was exceeded.</summary>
    public static bool? IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
