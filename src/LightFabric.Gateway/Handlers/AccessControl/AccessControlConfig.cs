namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>access-control.yml as written; <see cref="AccessControlConfigValidator"/> turns it into <see cref="AccessControlSettings"/>.</summary>
public sealed record AccessControlConfig
{
    public bool Enabled { get; init; }

    /// <summary>control or observe.</summary>
    public string? Mode { get; init; }

    /// <summary>any or all.</summary>
    public string? AccessRuleLogic { get; init; }

    public bool DefaultDeny { get; init; } = true;

    public bool DefaultInclude { get; init; }

    public IReadOnlyList<string> SkipPathPrefixes { get; init; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public long? MaxResponseFilterBytes { get; init; }

    public ToolsListAccessControlConfig ToolsListAccessControl { get; init; } = new();
}

/// <summary><c>toolsListAccessControl:</c> as written.</summary>
public sealed record ToolsListAccessControlConfig
{
    /// <summary>none, permission or cel.</summary>
    public string? Mode { get; init; }

    /// <summary>hidden or visible.</summary>
    public string? UnknownRuleFallback { get; init; }

    public long? MaxCelEvaluations { get; init; }

    public long? MaxCacheEntries { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
