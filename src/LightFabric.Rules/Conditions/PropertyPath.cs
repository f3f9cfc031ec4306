using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LightFabric.Rules.Conditions;

/// <summary>
/// An operand path into the rule context. Forms: a plain name (<c>role</c>), a dotted path (<c>user.role</c>,
/// <c>user.roles[0]</c>), a JSON Pointer (<c>/user/role</c>) and a JSONPath-like path (<c>$.user.roles[0]</c>,
/// <c>$['user']['role']</c>).
/// </summary>
public sealed class PropertyPath
{
    private readonly string[] _segments;

    private PropertyPath(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>The path's member names and indexes, in order.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>Parses <paramref name="text"/>; returns false with an error for malformed paths.</summary>
    public static bool TryParse(string text, out PropertyPath path, out string? error)
    {
        path = null!;
        error = null;
        var t = text.Trim();
        if (t.Length == 0)
        {
            error = "the operand path is empty";
            return false;
        }

        List<string>? segments;
        if (t[0] == '/')
        {
            segments = ParsePointer(t, out error);
        }
        else if (t[0] == '$')
        {
            segments = t.Length == 1 ? [] : t[1] is '.' or '[' ? ParseDotted(t[1..], allowLeadingDot: true, out error) : null;
            if (segments is null && error is null)
            {
                error = "a '$' path must continue with '.' or '['";
            }
        }
        else
        {
            segments = ParseDotted(t, allowLeadingDot: false, out error);
        }

        if (segments is null)
        {
            return false;
        }

        path = new PropertyPath(text, [.. segments]);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static PropertyPath Parse(string text) =>
        TryParse(text, out var p, out var error) ? p : throw new FormatException($"invalid operand path '{text}': {error}");

    /// <summary>Follows the path from <paramref name="root"/>. False when a member or index is missing.</summary>
    public bool TryResolve(JsonNode? root, out JsonNode? value)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            switch (current)
            {
                case JsonObject o when o.TryGetPropertyValue(segment, out var next):
                    current = next;
                    break;
                case JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                    current = a[i];
                    break;
                default:
                    value = null;
                    return false;
            }
        }

        value = current;
        return true;
    }

    public override string ToString() => Text;

    private static List<string>? ParsePointer(string t, out string? error)
    {
        error = null;
        var result = new List<string>();
        foreach (var raw in t[1..].Split('/'))
        {
            if (raw.Contains('~') && !ValidPointerEscapes(raw))
            {
                error = $"invalid JSON Pointer escape in '{raw}' (use ~0 for '~' and ~1 for '/')";
                return null;
            }

            result.Add(raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }

        return result;
    }

    private static bool ValidPointerEscapes(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '~' && (i + 1 >= s.Length || s[i + 1] is not ('0' or '1')))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string>? ParseDotted(string t, bool allowLeadingDot, out string? error)
    {
        error = null;
        var result = new List<string>();
        var i = 0;
        var expectName = !allowLeadingDot;
        while (i < t.Length)
        {
            var c = t[i];
            if (c == '.')
            {
                if (expectName)
                {
                    error = $"empty member name at position {i}";
                    return null;
                }

                expectName = true;
                i++;
                continue;
            }

            if (c == '[')
            {
                var close = t.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"unclosed '[' at position {i}";
                    return null;
                }

                var inner = t[(i + 1)..close].Trim();
                if (inner.Length >= 2 && (inner[0] is '\'' or '"') && inner[^1] == inner[0])
                {
                    result.Add(inner[1..^1]);
                }
                else if (inner.Length > 0 && inner.All(char.IsAsciiDigit))
                {
                    result.Add(inner);
                }
                else
                {
                    error = $"'[{inner}]' is neither an index nor a quoted name";
                    return null;
                }

                expectName = false;
                i = close + 1;
                continue;
            }

            var sb = new StringBuilder();
            while (i < t.Length && t[i] is not ('.' or '['))
            {
                sb.Append(t[i++]);
            }

            result.Add(sb.ToString());
            expectName = false;
        }

        if (expectName && result.Count > 0)
        {
            error = "the path ends with '.'";
            return null;
        }

        return result;
    }
}
