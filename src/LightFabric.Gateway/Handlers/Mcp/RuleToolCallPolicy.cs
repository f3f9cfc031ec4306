using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Server;
using LightFabric.Rules;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Evaluation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>
/// light-rule behind the MCP router: <c>req-acc</c> rules decide each tools/call before anything reaches the
/// backend (-32001 with the rule and endpoint otherwise), <c>res-fil</c> rules filter rows and columns of
/// <c>structuredContent</c> (and the mirrored text) — a failing filter gives a tool error result, never unfiltered
/// data — and tools/list shows what <c>toolsListAccessControl</c> lets the caller see (see <see cref="ToolsListVisibility"/>).
/// One instance per config generation: a reload builds a new one, with an empty visibility cache.
/// </summary>
public sealed class RuleToolCallPolicy(AccessControlRuntime runtime, ILogger? logger = null) : IToolCallPolicy
{
    private readonly AccessControlSettings _settings = runtime.Settings;
    private readonly RuleSet _rules = runtime.Rules;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;


    public static RuleToolCallPolicy? Create(HandlerBuildContext context) =>
        AccessControlRuntime.Load(context) is { } runtime
            ? new RuleToolCallPolicy(runtime, context.LoggerFactory.CreateLogger("LightFabric.Gateway.AccessControl"))
            : null;

    /// <summary>The tools/list visibility of this generation (its decision counters are the cache's test hook).</summary>
    public ToolsListVisibility ToolsList { get; } = new(runtime.Settings, runtime.Rules);

    public LightFabric.Governance.EnforcementMode Mode => _settings.Mode;

    public PolicyVerdict Authorize(ToolCallPolicyInput call)
    {
        if (Skipped(call))
        {
            return PolicyVerdict.Allow("skipped");
        }

        return Decide(Prepared(call), call.Endpoint);
    }

    public PolicyVerdict AuthorizeRelayed(RelayedCallInput call)
    {
        if (_settings.SkipsTool(call.Name, call.Endpoint))
        {
            return PolicyVerdict.Allow("skipped");
        }

        // Nothing of the answer is filtered, so the rule context is not kept.
        var prepared = RuleEngine.Prepare(_rules, call.Endpoint, ContextFor(call.Request, call.Endpoint)
            .WithTool(call.Name, call.Arguments)
            .Build(), owned: true);
        return Decide(prepared, call.Endpoint);
    }

    private PolicyVerdict Decide(RuleCall prepared, string endpoint)
    {
        var decision = RuleEngine.Authorize(_rules, prepared, _settings.Logic, _settings.DefaultDeny);
        if (decision.Allowed)
        {
            return PolicyVerdict.Allow($"allowed by {decision.RuleId ?? decision.ReasonCode}");
        }

        var reason = decision.Code is RuleDecisionCode.NoEndpointRule or RuleDecisionCode.NoAccessRules
            ? $"Access denied: no access control rule defined for {endpoint}"
            : $"Access denied by access control rule for {endpoint}";
        var data = new JsonObject { ["endpoint"] = endpoint, ["reasonCode"] = decision.ReasonCode };
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

        var prepared = Prepared(call);
        if (prepared.Match is null || !RuleEngine.HasResponseFilters(_rules, prepared))
        {
            return result;
        }

        // The result belongs to this call: structuredContent is filtered where it is (detached, not copied).
        var structured = tool["structuredContent"];
        if (structured is not null)
        {
            tool.Remove("structuredContent");
        }

        var subject = structured ?? ParseJson(SingleText(tool));
        if (subject is null)
        {
            return result;
        }

        var filtered = RuleEngine.FilterResponse(_rules, prepared, subject, 200, _settings.DefaultInclude);
        if (!filtered.Succeeded)
        {
            return ErrorResult(filtered.Outcomes.Count > 0 && filtered.Outcomes[^1].Code == RuleOutcomeCode.ActionDenied
                ? "Access denied by response filter"
                : "Access control response filter failed");
        }

        var response = filtered.Response is { Parent: not null } attached ? attached.DeepClone() : filtered.Response;
        var json = response?.ToJsonString() ?? "null";
        if (structured is not null)
        {
            tool["structuredContent"] = response is JsonObject ? response : new JsonObject { ["items"] = response };
        }

        tool["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = json });
        return tool;
    }

    public IReadOnlyList<bool> Visibility(McpRequest request, IReadOnlyList<ListedTool> tools)
    {
        if (ToolsList.Mode == ToolsListVisibilityMode.None)
        {
            return [.. tools.Select(_ => true)];
        }

        // The claims exactly as a call's rule context carries them; headers and arguments play no part in a listing.
        var claims = ClaimDimensions.ClaimsOf(ContextFor(request, "").Build()) ?? [];
        var decisions = ToolsList.Decide(claims, [.. tools.Select(t => (t.Tool.Name, t.Endpoint))]);
        var limited = decisions.Count(d => d.Basis == ToolVisibilityBasis.EvaluationLimit);
        if (limited > 0)
        {
            _logger.LogWarning(
                "tools/list: {Count} tools past toolsListAccessControl.maxCelEvaluations ({Max}) were {Fallback} by unknownRuleFallback",
                limited, _settings.ToolsList.MaxCelEvaluations, _settings.ToolsList.UnknownRuleVisible ? "listed" : "hidden");
        }

        return [.. decisions.Select(d => d.Visible)];
    }

    private bool Skipped(ToolCallPolicyInput call) => _settings.SkipsTool(call.Tool.Name, call.Endpoint);

    // Authorize and FilterResult of one call share its rule context: built and prepared once per call, never copied.
    private RuleCall Prepared(ToolCallPolicyInput call) => call.PolicyState as RuleCall ?? (RuleCall)(call.PolicyState = Prepare(call));

    private RuleCall Prepare(ToolCallPolicyInput call) =>
        RuleEngine.Prepare(_rules, call.Endpoint, ContextFor(call.Request, call.Endpoint)
            .WithTool(call.Tool.Name, call.Arguments)
            .Build(), owned: true);

    private static RuleContextBuilder ContextFor(McpRequest request, string endpoint) =>
        AccessControlRuntime.ContextFor(request.Caller.Claims, request.Headers, request.Headers["X-Correlation-Id"], endpoint);

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
}
