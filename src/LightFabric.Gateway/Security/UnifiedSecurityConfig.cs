namespace LightFabric.Gateway.Security;

/// <summary>unified-security.yml as written; <see cref="UnifiedSecurityConfigValidator"/> turns it into the prefixes the handler serves.</summary>
public sealed record UnifiedSecurityConfig
{
    public bool Enabled { get; init; } = true;

    public IReadOnlyList<string> AnonymousPrefixes { get; init; } = [];

    public IReadOnlyList<UnifiedPrefixEntry> PathPrefixAuths { get; init; } = [];
}

/// <summary>One <c>pathPrefixAuths</c> entry as written.</summary>
public sealed record UnifiedPrefixEntry
{
    public string? Prefix { get; init; }

    public bool Jwt { get; init; }

    public bool ApiKey { get; init; }

    public bool Basic { get; init; }

    /// <summary>light-4j's simple web tokens: refused when turned on, this build does not verify them.</summary>
    public bool Sjwt { get; init; }

    public bool Swt { get; init; }
}

/// <summary>Checks each prefix entry; an entry with a problem is reported and left out.</summary>
public static class UnifiedSecurityConfigValidator
{
    public static IReadOnlyList<UnifiedPrefix> Prefixes(UnifiedSecurityConfig config, Action<string, string> problem)
    {
        var prefixes = new List<UnifiedPrefix>();
        for (var i = 0; i < config.PathPrefixAuths.Count; i++)
        {
            var entry = config.PathPrefixAuths[i];
            var key = $"pathPrefixAuths[{i}]";
            if (entry.Prefix is not { } prefix || !prefix.StartsWith('/'))
            {
                problem($"{key}.prefix", "is required and must start with '/'");
                continue;
            }

            foreach (var (name, on) in (ReadOnlySpan<(string, bool)>)[("sjwt", entry.Sjwt), ("swt", entry.Swt)])
            {
                if (on)
                {
                    problem($"{key}.{name}", $"{name.ToUpperInvariant()} tokens are not supported by this build; use jwt, apikey or basic");
                }
            }

            if (!entry.Basic && !entry.Jwt && !entry.ApiKey)
            {
                problem(key, $"prefix {prefix} enables no method; set jwt, apikey and/or basic to true (or list it in anonymousPrefixes)");
                continue;
            }

            prefixes.Add(new UnifiedPrefix(prefix, entry.Basic, entry.Jwt, entry.ApiKey));
        }

        return prefixes;
    }
}
