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

    /// <summary>tools/list visibility: none (every tool listed), permission or cel (listed when req-acc allows).</summary>
    public string ToolsListMode { get; init; } = "none";

    /// <summary>Largest HTTP response body buffered for res-fil; a larger one is refused rather than passed unfiltered.</summary>
    public long MaxResponseFilterBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Reads the values of access-control.yml; every problem is reported with its key.</summary>
    public static AccessControlSettings Read(JsonObject values, HandlerBuildContext context)
    {
        var logic = (values["accessRuleLogic"]?.ToString() ?? "any").ToLowerInvariant();
        if (logic is not ("any" or "all"))
        {
            context.Problem("accessRuleLogic", $"'{logic}' must be any or all");
        }

        var mode = (values["toolsListAccessControl"]?["mode"]?.ToString() ?? "none").ToLowerInvariant();
        if (mode is not ("none" or "permission" or "cel"))
        {
            context.Problem("toolsListAccessControl.mode", $"'{mode}' must be none, permission or cel");
        }

        var maxBytes = values["maxResponseFilterBytes"] is JsonValue v && long.TryParse(v.ToString(), out var parsed) ? parsed : 10L * 1024 * 1024;
        if (maxBytes <= 0)
        {
            context.Problem("maxResponseFilterBytes", $"'{maxBytes}' must be a positive number of bytes");
        }

        return new AccessControlSettings
        {
            Enabled = Flag(values, "enabled", false),
            Logic = logic == "all" ? AccessRuleLogic.All : AccessRuleLogic.Any,
            DefaultDeny = Flag(values, "defaultDeny", true),
            DefaultInclude = Flag(values, "defaultInclude", false),
            SkipPathPrefixes = ConfigBinder.StringList(values["skipPathPrefixes"]),
            ClaimMappings = ReadClaimMappings(values, context),
            ToolsListMode = mode,
            MaxResponseFilterBytes = maxBytes,
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadClaimMappings(JsonObject values, HandlerBuildContext context)
    {
        var node = ConfigBinder.Structured(values["claimMappings"]);
        if (node is null || node is JsonValue)
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        if (node is not JsonObject map)
        {
            context.Problem("claimMappings", "must be a map from dimension (role, group, position, attribute, user) to claim names");
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        return map.ToDictionary(p => p.Key, p => ConfigBinder.StringList(p.Value), StringComparer.Ordinal);
    }

    private static bool Flag(JsonObject values, string name, bool fallback) =>
        values[name] is JsonValue v && (v.TryGetValue<bool>(out var flag) || (v.TryGetValue<string>(out var s) && bool.TryParse(s, out flag))) ? flag : fallback;
}
