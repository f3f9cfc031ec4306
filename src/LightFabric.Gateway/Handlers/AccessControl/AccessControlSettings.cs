using LightFabric.Rules.Evaluation;

namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>access-control.yml: how light-rule decisions are applied to MCP tool calls and HTTP routes.</summary>
public sealed record AccessControlSettings
{
    public bool Enabled { get; init; }

    /// <summary>control: a denied call is refused; observe: it goes on, logged and audited as would-deny.</summary>
    public LightFabric.Governance.EnforcementMode Mode { get; init; } = LightFabric.Governance.EnforcementMode.Control;

    public AccessRuleLogic Logic { get; init; } = AccessRuleLogic.Any;

    public bool DefaultDeny { get; init; } = true;

    public bool DefaultInclude { get; init; }

    /// <summary>
    /// Prefixes that skip access control: tool names or endpoint keys for MCP, request paths (on a segment
    /// boundary) for HTTP routes.
    /// </summary>
    public IReadOnlyList<string> SkipPathPrefixes { get; init; } = [];

    /// <summary>Extra claim names per permission dimension, e.g. <c>role: [custom_roles]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary><c>toolsListAccessControl</c>: which tools tools/list shows a caller.</summary>
    public ToolsListVisibilitySettings ToolsList { get; init; } = new();

    /// <summary>Largest HTTP response body buffered for res-fil; a larger one is refused rather than passed unfiltered.</summary>
    public long MaxResponseFilterBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Whether an MCP tool skips access control: its name or its endpoint starts with a skip prefix.</summary>
    public bool SkipsTool(string toolName, string endpoint) =>
        SkipPathPrefixes.Any(p => toolName.StartsWith(p, StringComparison.Ordinal) || endpoint.StartsWith(p, StringComparison.Ordinal));
}

/// <summary><c>toolsListAccessControl.mode</c>.</summary>
public enum ToolsListVisibilityMode
{
    /// <summary>Every tool is listed.</summary>
    None,

    /// <summary>The caller's claims against the endpoint's <c>visibility</c> or <c>permission</c> values; no rule runs.</summary>
    Permission,

    /// <summary>The endpoint's <c>req-acc</c> rules with empty arguments, at most <c>maxCelEvaluations</c> per listing.</summary>
    Cel,
}

/// <summary>access-control.yml <c>toolsListAccessControl</c>: which tools tools/list shows a caller.</summary>
public sealed record ToolsListVisibilitySettings
{
    public ToolsListVisibilityMode Mode { get; init; } = ToolsListVisibilityMode.None;

    /// <summary><c>unknownRuleFallback: visible</c>; the default <c>hidden</c> lists a tool only when its answer is known.</summary>
    public bool UnknownRuleVisible { get; init; }

    /// <summary>Most tools whose rules run in one cel-mode listing; the rest get <c>unknownRuleFallback</c>.</summary>
    public int MaxCelEvaluations { get; init; } = 100;

    /// <summary>Most cached visibility decisions; 0 disables the cache.</summary>
    public int MaxCacheEntries { get; init; } = 2000;

    /// <summary>Extra claim names per dimension for permission mode, added to the top-level <c>claimMappings</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
}
