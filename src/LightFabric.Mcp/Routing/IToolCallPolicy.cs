using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.Routing;

/// <summary>One tools/call as a policy sees it.</summary>
/// <param name="Endpoint">The policy key: a configured tool's <c>endpoint</c>, or <c>/mcp/{server}/{tool}@call</c>.</param>
public sealed record ToolCallPolicyInput(McpRequest Request, CatalogTool Tool, string Endpoint, JsonObject Arguments)
{
    /// <summary>What the policy keeps for this call between its phases (e.g. the rule context it built while authorizing).</summary>
    public object? PolicyState { get; set; }
}

/// <summary>One tool of a tools/list as a policy sees it.</summary>
/// <param name="Endpoint">The policy key, as for <see cref="ToolCallPolicyInput.Endpoint"/>.</param>
public sealed record ListedTool(CatalogTool Tool, string Endpoint);

/// <summary>A policy's answer for one call: allowed, or denied with the reason the caller gets (-32001).</summary>
public readonly record struct PolicyVerdict(bool Allowed, string Outcome, string? Reason = null, JsonNode? Data = null)
{
    public static PolicyVerdict Allow(string outcome) => new(true, outcome);

    public static PolicyVerdict Deny(string outcome, string reason, JsonNode? data = null) => new(false, outcome, reason, data);
}

/// <summary>
/// Access control of tool calls, plugged into the router by the gateway (light-rule): who may call a tool
/// (before anything reaches the backend), what of its answer they may see, and which tools they see listed.
/// </summary>
public interface IToolCallPolicy
{
    /// <summary>control: a refusal stops the call; observe: the call goes on and the refusal is recorded as would-deny.</summary>
    LightFabric.Governance.EnforcementMode Mode { get; }

    PolicyVerdict Authorize(ToolCallPolicyInput call);

    /// <summary>Who may read a resource, get a prompt or complete its arguments (before anything reaches the upstream).</summary>
    PolicyVerdict AuthorizeRelayed(RelayedCallInput call);

    /// <summary>The result the caller gets; a failed filter yields a tool error result, never unfiltered data.</summary>
    JsonNode? FilterResult(ToolCallPolicyInput call, JsonNode? result);

    /// <summary>
    /// Which of <paramref name="tools"/> tools/list shows this caller: one answer per tool, in order. Asked once per
    /// listing, so a policy can bound the work one listing does. Visibility never grants a call.
    /// </summary>
    IReadOnlyList<bool> Visibility(McpRequest request, IReadOnlyList<ListedTool> tools);
}
