using LightFabric.Rules.Model;

namespace LightFabric.Rules.Endpoints;

/// <summary>How an endpoint key was matched.</summary>
public enum EndpointMatchKind
{
    /// <summary>The key equals the endpoint.</summary>
    Exact,

    /// <summary>A <c>{param}</c> template with the same number of segments (<c>/accounts/{id}@get</c>).</summary>
    Template,

    /// <summary>A parent path (<c>/accounts@get</c> for <c>/accounts/123@get</c>).</summary>
    Parent,
}

/// <summary>The endpoint rules that apply to a request endpoint and how they were found.</summary>
public sealed record EndpointMatch(EndpointRules Rules, EndpointMatchKind Kind)
{
    public string EndpointKey => Rules.EndpointKey;
}

/// <summary>
/// Finds the <c>endpointRules</c> entry for an endpoint <c>&lt;path&gt;@&lt;method&gt;</c>: the exact key first; then
/// <c>{param}</c> templates of the same length (more literal segments first); then parent paths (longest first).
/// Methods compare case-insensitively; keys without <c>@</c> (logical ids) match exactly only.
/// </summary>
public sealed class EndpointMatcher
{
    private readonly Dictionary<string, EndpointRules> _exact;
    private readonly List<Pattern> _patterns;

    public EndpointMatcher(IEnumerable<EndpointRules> endpoints)
    {
        _exact = new Dictionary<string, EndpointRules>(StringComparer.Ordinal);
        _patterns = [];
        foreach (var e in endpoints)
        {
            _exact[e.EndpointKey] = e;
            if (TrySplit(e.EndpointKey, out var path, out var method))
            {
                _patterns.Add(new Pattern(e, Segments(path), method));
            }
        }

        // Longest first, then more literal segments, so the first hit in each stage is the most specific.
        _patterns.Sort((a, b) => b.Segments.Length != a.Segments.Length
            ? b.Segments.Length.CompareTo(a.Segments.Length)
            : b.Literals.CompareTo(a.Literals));
    }

    public EndpointMatch? Find(string endpoint)
    {
        if (_exact.TryGetValue(endpoint, out var exact))
        {
            return new EndpointMatch(exact, EndpointMatchKind.Exact);
        }

        if (!TrySplit(endpoint, out var path, out var method))
        {
            return null;
        }

        var request = Segments(path);
        foreach (var p in _patterns)
        {
            if (p.Segments.Length == request.Length && p.MethodMatches(method) && p.PrefixMatches(request))
            {
                return new EndpointMatch(p.Rules, p.Literals == p.Segments.Length ? EndpointMatchKind.Exact : EndpointMatchKind.Template);
            }
        }

        foreach (var p in _patterns)
        {
            if (p.Segments.Length < request.Length && p.MethodMatches(method) && p.PrefixMatches(request))
            {
                return new EndpointMatch(p.Rules, EndpointMatchKind.Parent);
            }
        }

        return null;
    }

    private static bool TrySplit(string key, out string path, out string method)
    {
        var at = key.LastIndexOf('@');
        if (at <= 0 || at == key.Length - 1)
        {
            path = method = "";
            return false;
        }

        path = key[..at];
        method = key[(at + 1)..];
        return true;
    }

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private sealed class Pattern(EndpointRules rules, string[] segments, string method)
    {
        public EndpointRules Rules { get; } = rules;

        public string[] Segments { get; } = segments;

        public int Literals { get; } = segments.Count(s => !IsParameter(s));

        public bool MethodMatches(string m) => string.Equals(method, m, StringComparison.OrdinalIgnoreCase);

        public bool PrefixMatches(string[] request)
        {
            for (var i = 0; i < Segments.Length; i++)
            {
                if (!IsParameter(Segments[i]) && !string.Equals(Segments[i], request[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsParameter(string s) => s.Length > 2 && s[0] == '{' && s[^1] == '}';
    }
}
