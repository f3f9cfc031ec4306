namespace LightFabric.Gateway.Chains;

/// <summary>
/// A handler.yml path: exact (<c>/api/orders</c>), segment templates (<c>/api/orders/{id}</c>) and a trailing
/// <c>/*</c> that matches the prefix and everything below it on a segment boundary (<c>/*</c> alone matches all).
/// </summary>
public sealed class PathTemplate
{
    private readonly string[] _segments;
    private readonly bool _prefix;

    private PathTemplate(string text, string[] segments, bool prefix)
    {
        Text = text;
        _segments = segments;
        _prefix = prefix;
    }

    public string Text { get; }

    public static bool TryParse(string text, out PathTemplate template, out string error)
    {
        template = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text) || text[0] != '/')
        {
            error = $"path '{text}' must start with '/'";
            return false;
        }

        var prefix = false;
        var body = text;
        if (body == "/*")
        {
            prefix = true;
            body = "/";
        }
        else if (body.EndsWith("/*", StringComparison.Ordinal))
        {
            prefix = true;
            body = body[..^2];
        }

        if (body.Contains('*'))
        {
            error = $"path '{text}': '*' is only allowed as a trailing '/*'";
            return false;
        }

        var segments = body == "/" ? [] : body[1..].Split('/');
        foreach (var segment in segments)
        {
            if (segment.Contains('{') || segment.Contains('}'))
            {
                if (!IsParameter(segment) || segment.Length < 3)
                {
                    error = $"path '{text}': segment '{segment}' must be a literal or a whole '{{name}}' parameter";
                    return false;
                }
            }
        }

        // A trailing slash is significant: "/api/" ends in an empty segment and does not match "/api".
        template = new PathTemplate(text, segments, prefix);
        return true;
    }

    /// <summary>Matches a request path; on success fills <paramref name="parameters"/> (created lazily).</summary>
    public bool TryMatch(string path, ref Dictionary<string, string>? parameters)
    {
        var position = 1;
        if (path.Length == 0 || path[0] != '/')
        {
            return false;
        }

        Dictionary<string, string>? captured = null;
        foreach (var segment in _segments)
        {
            if (position > path.Length)
            {
                return false;
            }

            var end = path.IndexOf('/', position);
            if (end < 0)
            {
                end = path.Length;
            }

            var actual = path.AsSpan(position, end - position);
            if (IsParameter(segment))
            {
                if (actual.Length == 0)
                {
                    return false;
                }

                captured ??= new Dictionary<string, string>(StringComparer.Ordinal);
                captured[segment[1..^1]] = Uri.UnescapeDataString(actual.ToString());
            }
            else if (!actual.SequenceEqual(segment))
            {
                return false;
            }

            position = end + 1;
        }

        var consumedAll = position >= path.Length + 1 || (_segments.Length == 0 && path == "/");
        if (!_prefix && !consumedAll)
        {
            return false;
        }

        if (captured is not null)
        {
            parameters ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in captured)
            {
                parameters[k] = v;
            }
        }

        return true;
    }

    private static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    public override string ToString() => Text;
}
