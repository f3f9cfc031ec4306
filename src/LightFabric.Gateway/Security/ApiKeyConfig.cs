namespace LightFabric.Gateway.Security;

/// <summary>apikey.yml as written; <see cref="ApiKeyConfigValidator"/> turns it into the rules the handler checks.</summary>
public sealed record ApiKeyConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>Keys are PBKDF2 hashes <c>iterations:saltHex:hashHex</c> instead of plain text.</summary>
    public bool HashEnabled { get; init; }

    public IReadOnlyList<ApiKeyEntry> PathPrefixAuths { get; init; } = [];
}

/// <summary>One <c>pathPrefixAuths</c> entry as written.</summary>
public sealed record ApiKeyEntry
{
    public string? PathPrefix { get; init; }

    public string? HeaderName { get; init; }

    public string? ApiKey { get; init; }
}

/// <summary>Checks each <c>pathPrefixAuths</c> entry; an entry with a problem is reported and left out.</summary>
public static class ApiKeyConfigValidator
{
    public static IReadOnlyList<ApiKeyRule> Rules(ApiKeyConfig config, Action<string, string> problem)
    {
        var rules = new List<ApiKeyRule>();
        for (var i = 0; i < config.PathPrefixAuths.Count; i++)
        {
            var entry = config.PathPrefixAuths[i];
            var key = $"pathPrefixAuths[{i}]";
            if (entry.PathPrefix is not { Length: > 0 } prefix || !prefix.StartsWith('/'))
            {
                problem($"{key}.pathPrefix", "is required and must start with '/'");
            }
            else if (string.IsNullOrWhiteSpace(entry.HeaderName))
            {
                problem($"{key}.headerName", "is required (e.g. x-api-key)");
            }
            else if (string.IsNullOrEmpty(entry.ApiKey))
            {
                problem($"{key}.apiKey", "is required");
            }
            else if (config.HashEnabled && !ApiKeyHash.TryParse(entry.ApiKey, out _))
            {
                problem($"{key}.apiKey", "must be iterations:saltHex:hashHex when hashEnabled is true");
            }
            else
            {
                rules.Add(new ApiKeyRule(prefix, entry.HeaderName, entry.ApiKey));
            }
        }

        return rules;
    }
}
