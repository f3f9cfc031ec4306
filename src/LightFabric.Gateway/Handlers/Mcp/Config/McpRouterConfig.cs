namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// mcp-router.yml as written. <see cref="McpRouterConfigReader"/> binds it and its validators turn it into
/// <see cref="LightFabric.Mcp.Routing.McpRouterSettings"/>; a value left out here takes the settings' default.
/// </summary>
public sealed record McpRouterConfig
{
    public bool Enabled { get; init; } = true;

    public string? Path { get; init; }

    public int? MaxSessions { get; init; }

    public int? MaxSessionsPerClient { get; init; }

    public int? SessionIdleTimeoutMs { get; init; }

    public int? MaxRequestBodyBytes { get; init; }

    public int? MaxResponseBodyBytes { get; init; }

    public int? MaxJsonDepth { get; init; }

    public IReadOnlyList<string> OriginAllowlist { get; init; } = [];

    /// <summary>auto, on or off (true/false also read).</summary>
    public string? DnsRebindingProtection { get; init; }

    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>CIDR ranges or addresses whose forwarded headers name the client.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    public int? ToolsPageSize { get; init; }

    public int? UpstreamStartupWaitMs { get; init; }

    public int? HttpToolTimeoutMs { get; init; }

    /// <summary>always, conditional or never.</summary>
    public string? PrefixMode { get; init; }

    public McpProtocolsConfig Protocols { get; init; } = new();

    public SchemaValidationConfig SchemaValidation { get; init; } = new();

    /// <summary>HTTP API and MCP tools; an entry that did not bind at all is null (already reported).</summary>
    public IReadOnlyList<McpToolConfig?> Tools { get; init; } = [];

    /// <summary>Upstream MCP servers; an entry that did not bind at all is null (already reported).</summary>
    public IReadOnlyList<McpServerConfig?> Servers { get; init; } = [];

    /// <summary>SatGate's form of <see cref="Servers"/>: a map from server name to its settings.</summary>
    public IReadOnlyDictionary<string, McpServerConfig?> Upstreams { get; init; } = new Dictionary<string, McpServerConfig?>();
}

/// <summary><c>protocols:</c> — which MCP revisions beyond the session-based ones are served.</summary>
public sealed record McpProtocolsConfig
{
    public StatelessProtocolConfig Stateless { get; init; } = new();
}

/// <summary><c>protocols.stateless:</c> — the 2026-07-28 revision (server/discover, requests without sessions).</summary>
public sealed record StatelessProtocolConfig
{
    public bool Enabled { get; init; } = true;
}

/// <summary><c>schemaValidation:</c> — bounds of the JSON Schema validator for configured tools' schemas.</summary>
public sealed record SchemaValidationConfig
{
    public int? MaxSchemaBytes { get; init; }

    public int? MaxSubschemas { get; init; }

    public int? MaxSchemaDepth { get; init; }

    public int? MaxValueDepth { get; init; }

    public int? MaxSteps { get; init; }

    public int? MaxErrors { get; init; }

    public int? PatternTimeoutMs { get; init; }
}
