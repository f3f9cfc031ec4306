using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Security;
using LightFabric.Mcp.Routing;
using LightFabric.Rules;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>access-control.yml, as the MCP router uses it.</summary>
public sealed record AccessControlSettings
{
    public bool Enabled { get; init; }

    public AccessRuleLogic Logic { get; init; } = AccessRuleLogic.Any;

    public bool DefaultDeny { get; init; } = true;

    public bool DefaultInclude { get; init; }

    /// <summary>Tool names or endpoints (prefixes) that skip access control.</summary>
    public IReadOnlyList<string> SkipPathPrefixes { get; init; } = [];

    /// <summary>tools/list visibility: none (every tool listed), permission or cel (listed when req-acc allows).</summary>
    public string ToolsListMode { get; init; } = "none";
}

/// <summary>
/// light-rule behind the MCP router: <c>req-acc</c> rules decide each tools/call before anything reaches the
/// backend (-32001 with the rule and endpoint otherwise), <c>res-fil</c> rules filter rows and columns of
/// <c>structuredContent</c> (and the mirrored text) — a failing filter gives a tool error result, never unfiltered
/// data — and, when tools/list visibility is on, only callable tools are listed.
/// </summary>
public sealed class RuleToolCallPolicy(AccessControlSettings settings, RuleSet rules) : IToolCallPolicy
{
    // Authorize and FilterResult of one call see the same context; it is built once per call.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ToolCallPolicyInput, JsonObject> _contexts = new();

    public static RuleToolCallPolicy? Create(HandlerBuildContext context)
    {
        var accessControl = context.For("access-control", "access-control");
        if (accessControl.Config is null)
        {
            return null;
        }

        var settings = Read(accessControl.Config.Values, accessControl);
        if (!settings.Enabled)
        {
            return null;
        }

        var ruleContext = context.For("rule", "rule");
        var options = RuleEngineOptions.Default with { ClaimMappings = ClaimMappings(accessControl.Config.Values, accessControl) };
        var loaded = RuleSetLoader.Load(ruleContext.Config?.Values, options: options);
        foreach (var error in loaded.Errors)
        {
            ruleContext.Problem(error.Key, error.Message);
        }

        return loaded.RuleSet is null ? null : new RuleToolCallPolicy(settings, loaded.RuleSet);
    }

    public PolicyVerdict Authorize(ToolCallPolicyInput call)
    {
        if (Skipped(call))
        {
            return PolicyVerdict.Allow("skipped");
        }

        var decision = RuleEngine.Authorize(rules, call.Endpoint, Context(call), settings.Logic, settings.DefaultDeny);
        if (decision.Allowed)
        {
            return PolicyVerdict.Allow($"allowed by {decision.RuleId ?? decision.ReasonCode}");
        }

        var reason = decision.Code is RuleDecisionCode.NoEndpointRule or RuleDecisionCode.NoAccessRules
            ? $"Access denied: no access control rule defined for {call.Endpoint}"
            : $"Access denied by access control rule for {call.Endpoint}";
        var data = new JsonObject { ["endpoint"] = call.Endpoint, ["reasonCode"] = decision.ReasonCode };
        if (decision.RuleId is not null)
        {
            data["ruleId"] = decision.RuleId;
        }

        return PolicyVerdict.Deny(decision.ReasonCode, reason, data);
    }

    public JsonNode? FilterResult(ToolCallPolicyInput call, JsonNode? result)
    {
        if (Skipped(call) || result is not JsonObject tool || tool["isError"] is JsonValue e && e.TryGetValue<bool>(out var isError) && isError)
        {
            return result;
        }

        var structured = tool["structuredContent"];
        var text = structured is null ? SingleText(tool) : null;
        JsonNode? subject = structured?.DeepClone() ?? ParseJson(text);
        if (subject is null)
        {
            return result;
        }

        var filtered = RuleEngine.FilterResponse(rules, call.Endpoint, Context(call), subject, 200, settings.DefaultInclude);
        if (!filtered.Succeeded)
        {
            return ErrorResult(filtered.Outcomes.Count > 0 && filtered.Outcomes[^1].Code == RuleOutcomeCode.ActionDenied
                ? "Access denied by response filter"
                : "Access control response filter failed");
        }

        if (filtered.EndpointKey is null || filtered.Outcomes.Count == 0)
        {
            return result;
        }

        var response = filtered.Response;
        var json = response?.ToJsonString() ?? "null";
        if (structured is not null)
        {
            tool["structuredContent"] = response is JsonObject ? response.DeepClone() : new JsonObject { ["items"] = response?.DeepClone() };
        }

        tool["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = json });
        return tool;
    }

    public bool IsVisible(ToolCallPolicyInput call) =>
        settings.ToolsListMode == "none" || Skipped(call) || Authorize(call).Allowed;

    private bool Skipped(ToolCallPolicyInput call) =>
        settings.SkipPathPrefixes.Any(p => call.Tool.Name.StartsWith(p, StringComparison.Ordinal) || call.Endpoint.StartsWith(p, StringComparison.Ordinal));

    private JsonObject Context(ToolCallPolicyInput call) => _contexts.GetValue(call, BuildContext);

    private static JsonObject BuildContext(ToolCallPolicyInput call)
    {
        var http = call.Request.Http;
        return new RuleContextBuilder()
            .WithClaims(SecurityPrincipal.Claims(http) ?? ClaimsOf(http.User))
            .WithHeaders(http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())))
            .WithEndpoint(call.Endpoint)
            .WithTool(call.Tool.Name, call.Arguments.DeepClone())
            .WithCorrelationId(http.Request.Headers["X-Correlation-Id"].ToString() is { Length: > 0 } id ? id : null)
            .Build();
    }

    /// <summary>Claims of principals made by other handlers (API key, Basic): one value or a list per claim type.</summary>
    private static JsonObject ClaimsOf(ClaimsPrincipal user)
    {
        var claims = new JsonObject();
        foreach (var group in user.Claims.GroupBy(c => c.Type))
        {
            claims[group.Key] = group.Count() == 1 ? group.First().Value : new JsonArray(group.Select(c => (JsonNode)c.Value).ToArray());
        }

        return claims;
    }

    private static string? SingleText(JsonObject tool) =>
        tool["content"] is JsonArray { Count: 1 } content && content[0]?["type"]?.GetValue<string>() == "text" ? content[0]?["text"]?.GetValue<string>() : null;

    private static JsonNode? ParseJson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart() is not ['{' or '[', ..])
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject ErrorResult(string message) => new()
    {
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = message }),
        ["isError"] = true,
    };

    private static AccessControlSettings Read(JsonObject values, HandlerBuildContext context)
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

        return new AccessControlSettings
        {
            Enabled = Flag(values, "enabled", false),
            Logic = logic == "all" ? AccessRuleLogic.All : AccessRuleLogic.Any,
            DefaultDeny = Flag(values, "defaultDeny", true),
            DefaultInclude = Flag(values, "defaultInclude", false),
            SkipPathPrefixes = ConfigBinder.StringList(values["skipPathPrefixes"]),
            ToolsListMode = mode,
        };
    }

    /// <summary><c>claimMappings</c>: extra claim names per permission dimension, e.g. <c>role: [custom_roles]</c>.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings(JsonObject values, HandlerBuildContext context)
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
