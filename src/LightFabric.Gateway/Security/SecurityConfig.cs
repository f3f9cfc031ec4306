namespace LightFabric.Gateway.Security;

/// <summary>security.yml</summary>
public sealed record SecurityConfig
{
    public bool EnableVerifyJwt { get; init; } = true;
    public bool EnableVerifyScope { get; init; }
    public bool EnableExtractScopeToken { get; init; } = true;
    public bool IgnoreJwtExpiry { get; init; }
    public bool EnableRelaxedKeyValidation { get; init; }
    public bool EnableH2c { get; init; }
    public bool EnableMockJwt { get; init; }
    public bool EnableJwtCache { get; init; } = true;
    public int JwtCacheFullSize { get; init; } = 1000;
    public bool LogJwtToken { get; init; }
    public bool BootstrapFromKeyService { get; init; }
    public string? ProviderId { get; init; }
    public string? Issuer { get; init; }
    public IReadOnlyList<string> Audience { get; init; } = [];
    public IReadOnlyList<string> RequiredScopes { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PathPrefixScopes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyList<string> SkipPathPrefixes { get; init; } = [];
    public IReadOnlyDictionary<string, string> PassThroughClaims { get; init; } = new Dictionary<string, string>();
    public JwtSettings Jwt { get; init; } = new();
    public ResourceMetadataSettings ResourceMetadata { get; init; } = new();
}

public sealed record JwtSettings
{
    public int ClockSkewInSeconds { get; init; } = 60;

    /// <summary>At most one JWKS refresh for unknown key ids per this many seconds.</summary>
    public int KeyRefreshMinIntervalSeconds { get; init; } = 30;
}

/// <summary>OAuth 2.0 protected-resource metadata (RFC 9728) served at /.well-known/oauth-protected-resource.</summary>
public sealed record ResourceMetadataSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>The resource identifier; empty means the request's scheme and host plus <see cref="ResourcePath"/>.</summary>
    public string? Resource { get; init; }

    public string ResourcePath { get; init; } = "/mcp";
    public IReadOnlyList<string> AuthorizationServers { get; init; } = [];
    public IReadOnlyList<string> ScopesSupported { get; init; } = [];
    public string? ResourceName { get; init; }
}
