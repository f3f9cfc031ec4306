using System.Text.Json.Nodes;

namespace LightFabric.Rules.Evaluation;

/// <summary>Why an authorization decision came out as it did.</summary>
public enum RuleDecisionCode
{
    /// <summary>A rule (any) or every rule (all) passed.</summary>
    Allowed,

    /// <summary>No endpoint rule matches the endpoint; <c>defaultDeny</c> decided.</summary>
    NoEndpointRule,

    /// <summary>The endpoint has no <c>req-acc</c> rules; <c>defaultDeny</c> decided.</summary>
    NoAccessRules,

    /// <summary>The rules did not allow the call.</summary>
    Denied,

    /// <summary>A rule could not be evaluated, so the call is denied (fail closed).</summary>
    Error,
}

/// <summary>How the <c>req-acc</c> rules of an endpoint combine.</summary>
public enum AccessRuleLogic
{
    /// <summary>The first passing rule allows.</summary>
    Any,

    /// <summary>Every rule must pass; the first failure denies.</summary>
    All,
}

/// <summary>The access decision for one call, with structured reasons (rule, endpoint key, failing condition or claim).</summary>
public sealed record RuleDecision
{
    public required bool Allowed { get; init; }

    public required RuleDecisionCode Code { get; init; }

    /// <summary>The endpoint asked about.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The endpoint rules key that matched, or null.</summary>
    public string? EndpointKey { get; init; }

    /// <summary>The rule that decided (the passing one, or the one that denied), or null.</summary>
    public string? RuleId { get; init; }

    /// <summary>A sentence for logs and error bodies.</summary>
    public required string Reason { get; init; }

    /// <summary>Every rule that ran, in order.</summary>
    public IReadOnlyList<RuleOutcome> Outcomes { get; init; } = [];

    /// <summary>A stable reason code, e.g. <c>access.denied</c>, <c>access.no_endpoint_rule</c>.</summary>
    public string ReasonCode => Code switch
    {
        RuleDecisionCode.Allowed => "access.allowed",
        RuleDecisionCode.NoEndpointRule => Allowed ? "access.no_endpoint_rule.allowed" : "access.no_endpoint_rule",
        RuleDecisionCode.NoAccessRules => Allowed ? "access.no_rules.allowed" : "access.no_rules",
        RuleDecisionCode.Denied => "access.denied",
        _ => "access.error",
    };
}

/// <summary>The result of the response filters: the filtered response, or a failure (never the unfiltered data).</summary>
public sealed record ResponseFilterResult
{
    /// <summary>Whether every filter ran; when false, <see cref="Response"/> is null and the call must fail.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The filtered response (the input when no filters apply); null when filtering failed.</summary>
    public JsonNode? Response { get; init; }

    public string? EndpointKey { get; init; }

    /// <summary>The rule that failed, or null.</summary>
    public string? RuleId { get; init; }

    public required string Reason { get; init; }

    public IReadOnlyList<RuleOutcome> Outcomes { get; init; } = [];
}

/// <summary>The result of a sequential phase (<c>req-tra</c>, <c>res-tra</c>, <c>x-*</c>).</summary>
public sealed record PhaseResult(bool Succeeded, string? EndpointKey, JsonObject Context, JsonNode? Response, IReadOnlyList<RuleOutcome> Outcomes);
