using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;

namespace LightFabric.Gateway.Handlers.AccessControl;

/// <summary>access-control.yml: how light-rule decisions are applied to MCP tool calls and HTTP routes.</summary>
public sealed record AccessControlSettings
{
    public bool Enabled { get; init; }

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

    /// <summary>What <see cref="Read"/> reads.</summary>
    public static readonly ConfigKeys Keys = ConfigKeys.Map(
        "enabled", "accessRuleLogic", "defaultDeny", "defaultInclude", "skipPathPrefixes", "claimMappings", "maxResponseFilterBytes",
        ("toolsListAccessControl", ConfigKeys.Map("mode", "unknownRuleFallback", "maxCelEvaluations", "maxCacheEntries", "claimMappings")));

    /// <summary>Reads the values of access-control.yml; every problem is reported with its key.</summary>
    public static AccessControlSettings Read(JsonObject values, HandlerBuildContext context)
    {
        var logic = (values["accessRuleLogic"]?.ToString() ?? "any").ToLowerInvariant();
        if (logic is not ("any" or "all"))
        {
            context.Problem("accessRuleLogic", $"'{logic}' must be any or all");
        }

        var maxBytes = 10L * 1024 * 1024;
        if (values["maxResponseFilterBytes"] is { } maxNode && (!long.TryParse(maxNode.ToString(), out maxBytes) || maxBytes <= 0))
        {
            context.Problem("maxResponseFilterBytes", $"'{maxNode.ToJsonString()}' must be a positive number of bytes");
            maxBytes = 10L * 1024 * 1024;
        }

        return new AccessControlSettings
        {
            Enabled = context.Flag(values, "enabled", false),
            Logic = logic == "all" ? AccessRuleLogic.All : AccessRuleLogic.Any,
            DefaultDeny = context.Flag(values, "defaultDeny", true),
            DefaultInclude = context.Flag(values, "defaultInclude", false),
            SkipPathPrefixes = ConfigBinder.StringList(values["skipPathPrefixes"]),
            ClaimMappings = ReadClaimMappings(values["claimMappings"], "claimMappings", context),
            ToolsList = ToolsListVisibilitySettings.Read(values["toolsListAccessControl"], context),
            MaxResponseFilterBytes = maxBytes,
        };
    }

    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadClaimMappings(JsonNode? value, string key, HandlerBuildContext context)
    {
        var node = ConfigBinder.Structured(value);
        if (node is null || node is JsonValue)
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        if (node is not JsonObject map)
        {
            context.Problem(key, "must be a map from dimension (role, group, position, attribute, user) to claim names");
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        return map.ToDictionary(p => p.Key, p => ConfigBinder.StringList(p.Value), StringComparer.Ordinal);
    }

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

    /// <summary>Reads <c>toolsListAccessControl</c> (a map, or a JSON string of one); every problem is reported with its key.</summary>
    public static ToolsListVisibilitySettings Read(JsonNode? value, HandlerBuildContext context)
    {
        var node = ConfigBinder.Structured(value);
        if (node is null || node is JsonValue v && string.IsNullOrWhiteSpace(v.ToString()))
        {
            return new ToolsListVisibilitySettings();
        }

        if (node is not JsonObject map)
        {
            context.Problem("toolsListAccessControl", "must be a map with mode, unknownRuleFallback, maxCelEvaluations, maxCacheEntries and claimMappings");
            return new ToolsListVisibilitySettings();
        }

        var mode = Text(map["mode"], "none");
        if (mode is not ("none" or "permission" or "cel"))
        {
            context.Problem("toolsListAccessControl.mode", $"'{mode}' must be none, permission or cel");
        }

        var fallback = Text(map["unknownRuleFallback"], "hidden");
        if (fallback is not ("hidden" or "visible"))
        {
            context.Problem("toolsListAccessControl.unknownRuleFallback", $"'{fallback}' must be hidden or visible");
        }

        return new ToolsListVisibilitySettings
        {
            Mode = mode switch { "permission" => ToolsListVisibilityMode.Permission, "cel" => ToolsListVisibilityMode.Cel, _ => ToolsListVisibilityMode.None },
            UnknownRuleVisible = fallback == "visible",
            MaxCelEvaluations = Count(map["maxCelEvaluations"], "toolsListAccessControl.maxCelEvaluations", 100, context),
            MaxCacheEntries = Count(map["maxCacheEntries"], "toolsListAccessControl.maxCacheEntries", 2000, context),
            ClaimMappings = AccessControlSettings.ReadClaimMappings(map["claimMappings"], "toolsListAccessControl.claimMappings", context),
        };
    }

    // An empty value (an unset placeholder) means the default.
    private static string Text(JsonNode? node, string fallback) =>
        node?.ToString().Trim() is { Length: > 0 } text ? text.ToLowerInvariant() : fallback;

    private static int Count(JsonNode? node, string key, int fallback, HandlerBuildContext context)
    {
        var text = node?.ToString().Trim();
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            context.Problem(key, $"'{text}' must be a whole number, 0 or more");
            return fallback;
        }

        if (count < 0)
        {
            context.Problem(key, $"'{count}' must be 0 or more");
            return fallback;
        }

        return (int)Math.Min(count, int.MaxValue);
    }
}
