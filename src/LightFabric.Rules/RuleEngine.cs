using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Conditions;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Model;

namespace LightFabric.Rules;

/// <summary>
/// Evaluates a <see cref="RuleSet"/>: access control (<c>req-acc</c>), response filters (<c>res-fil</c>) and the
/// sequential phases. Every failure to evaluate fails closed and says why.
/// </summary>
public static class RuleEngine
{
    /// <summary>
    /// Decides whether a call to <paramref name="endpoint"/> is allowed by the endpoint's <c>req-acc</c> (and
    /// <c>access-control</c>) rules. <paramref name="context"/> is not modified.
    /// </summary>
    /// <param name="logic"><c>any</c>: the first passing rule allows (each rule runs on its own copy of the context); <c>all</c>: every rule must pass.</param>
    /// <param name="defaultDeny">Deny when no endpoint rule or no access rule applies.</param>
    public static RuleDecision Authorize(RuleSet ruleSet, string endpoint, JsonObject context,
        AccessRuleLogic logic = AccessRuleLogic.Any, bool defaultDeny = true) =>
        Authorize(ruleSet, Prepare(ruleSet, endpoint, context), logic, defaultDeny);

    /// <summary>
    /// Prepares a call's context once for its endpoint (the match, and the endpoint's <c>permission</c> merged in),
    /// so <see cref="Authorize(RuleSet, RuleCall, AccessRuleLogic, bool)"/> and
    /// <see cref="FilterResponse(RuleSet, RuleCall, JsonNode?, int, bool)"/> of the same call share it without copies.
    /// </summary>
    /// <param name="owned">The caller gives <paramref name="context"/> to the call (it built it for this call alone):
    /// it is prepared in place instead of copied.</param>
    public static RuleCall Prepare(RuleSet ruleSet, string endpoint, JsonObject context, bool owned = false)
    {
        var match = ruleSet.FindEndpoint(endpoint);
        var prepared = owned ? PrepareInPlace(context, match?.Rules, endpoint) : PrepareContext(context, match?.Rules, endpoint);
        return new RuleCall(endpoint, match, prepared);
    }

    /// <summary>Decides a prepared call (see <see cref="Authorize(RuleSet, string, JsonObject, AccessRuleLogic, bool)"/>).</summary>
    public static RuleDecision Authorize(RuleSet ruleSet, RuleCall call, AccessRuleLogic logic = AccessRuleLogic.Any, bool defaultDeny = true)
    {
        var endpoint = call.Endpoint;
        var match = call.Match;
        if (match is null)
        {
            return new RuleDecision
            {
                Allowed = !defaultDeny,
                Code = RuleDecisionCode.NoEndpointRule,
                Endpoint = endpoint,
                Reason = $"no endpoint rule matches '{endpoint}'" + (defaultDeny ? "; denied by defaultDeny" : ""),
            };
        }

        var ids = match.Rules.AccessRuleIds;
        if (ids.Count == 0)
        {
            return new RuleDecision
            {
                Allowed = !defaultDeny,
                Code = RuleDecisionCode.NoAccessRules,
                Endpoint = endpoint,
                EndpointKey = match.EndpointKey,
                Reason = $"endpoint rule '{match.EndpointKey}' has no req-acc rules" + (defaultDeny ? "; denied by defaultDeny" : ""),
            };
        }

        var prepared = call.Context;
        var outcomes = new List<RuleOutcome>(ids.Count);
        foreach (var id in ids)
        {
            // With any, each rule must see the context as it was; only actions that may change it need a copy.
            var ctx = logic == AccessRuleLogic.Any && ids.Count > 1 && ChangesContext(ruleSet, id) ? prepared.DeepClone().AsObject() : prepared;
            var outcome = Execute(ruleSet, id, ctx, response: null, defaultInclude: false);
            outcomes.Add(outcome);
            if (logic == AccessRuleLogic.Any && outcome.Passed)
            {
                return new RuleDecision
                {
                    Allowed = true,
                    Code = RuleDecisionCode.Allowed,
                    Endpoint = endpoint,
                    EndpointKey = match.EndpointKey,
                    RuleId = id,
                    Reason = $"rule '{id}' allowed the call: {outcome.Reason}",
                    Outcomes = outcomes,
                };
            }

            if (logic == AccessRuleLogic.All && !outcome.Passed)
            {
                return Denied(endpoint, match.EndpointKey, outcome, outcomes);
            }
        }

        if (logic == AccessRuleLogic.All)
        {
            return new RuleDecision
            {
                Allowed = true,
                Code = RuleDecisionCode.Allowed,
                Endpoint = endpoint,
                EndpointKey = match.EndpointKey,
                RuleId = ids[^1],
                Reason = $"all {ids.Count} rules passed",
                Outcomes = outcomes,
            };
        }

        var deciding = outcomes.FirstOrDefault(o => o.Code == RuleOutcomeCode.Error) ?? outcomes[0];
        return Denied(endpoint, match.EndpointKey, deciding, outcomes);
    }

    /// <summary>
    /// Runs the endpoint's <c>res-fil</c> rules over <paramref name="response"/>: row filters, then column filters, then
    /// the rest. The response is filtered in place. Any failure (action false, evaluation error) gives a failed result
    /// with no response, so unfiltered data is never returned.
    /// </summary>
    public static ResponseFilterResult FilterResponse(RuleSet ruleSet, string endpoint, JsonObject context, JsonNode? response,
        int statusCode = 200, bool defaultInclude = false) =>
        FilterResponse(ruleSet, Prepare(ruleSet, endpoint, context), response, statusCode, defaultInclude);

    /// <summary>Whether the call's endpoint has <c>res-fil</c> rules (no response needs to be read or copied otherwise).</summary>
    public static bool HasResponseFilters(RuleSet ruleSet, RuleCall call) => call.Match?.Rules.ResponseFilterIds(ruleSet).Count > 0;

    /// <summary>Filters the response of a prepared call (see the overload taking an endpoint); adds the response fields to its context.</summary>
    public static ResponseFilterResult FilterResponse(RuleSet ruleSet, RuleCall call, JsonNode? response, int statusCode = 200, bool defaultInclude = false)
    {
        var match = call.Match;
        var ordered = match?.Rules.ResponseFilterIds(ruleSet) ?? [];
        if (match is null || ordered.Count == 0)
        {
            return new ResponseFilterResult
            {
                Succeeded = true,
                Response = response,
                EndpointKey = match?.EndpointKey,
                Reason = "no response filters apply",
            };
        }

        var prepared = call.Context;
        prepared["statusCode"] = statusCode;
        prepared["accessControl"] = new JsonObject { ["defaultInclude"] = defaultInclude };
        if (ordered.Any(id => ruleSet.Rules.TryGetValue(id, out var r) && ReadsResponseBody(r)))
        {
            prepared["responseBody"] = response?.ToJsonString() ?? "";
        }

        var holder = new ResponseHolder(response);
        var outcomes = new List<RuleOutcome>(ordered.Count);
        foreach (var id in ordered)
        {
            var outcome = Execute(ruleSet, id, prepared, holder, defaultInclude);
            outcomes.Add(outcome);
            if (outcome.Code is RuleOutcomeCode.ActionDenied or RuleOutcomeCode.Error or RuleOutcomeCode.RuleNotFound)
            {
                return new ResponseFilterResult
                {
                    Succeeded = false,
                    EndpointKey = match.EndpointKey,
                    RuleId = id,
                    Reason = $"response filter rule '{id}' failed ({outcome.ReasonCode}): {outcome.Reason}",
                    Outcomes = outcomes,
                };
            }
        }

        return new ResponseFilterResult
        {
            Succeeded = true,
            Response = holder.Value,
            EndpointKey = match.EndpointKey,
            Reason = $"{ordered.Count} response filter rules ran",
            Outcomes = outcomes,
        };
    }

    /// <summary>
    /// Runs the rules of a sequential phase (<c>req-tra</c>, <c>res-tra</c>, <c>x-*</c>) in list order on one context,
    /// so each rule sees the previous rule's changes. Rules whose conditions are false are skipped; the first action
    /// failure or error stops the phase.
    /// </summary>
    public static PhaseResult RunPhase(RuleSet ruleSet, string endpoint, string phase, JsonObject context, JsonNode? response = null)
    {
        var match = ruleSet.FindEndpoint(endpoint);
        var prepared = PrepareContext(context, match?.Rules, endpoint);
        var holder = RulePhases.IsResponsePhase(phase) ? new ResponseHolder(response) : null;
        var outcomes = new List<RuleOutcome>();
        foreach (var id in match?.Rules.RulesFor(phase) ?? [])
        {
            var outcome = Execute(ruleSet, id, prepared, holder, defaultInclude: false);
            outcomes.Add(outcome);
            if (outcome.Code is RuleOutcomeCode.ActionDenied or RuleOutcomeCode.Error or RuleOutcomeCode.RuleNotFound)
            {
                return new PhaseResult(false, match?.EndpointKey, prepared, null, outcomes);
            }
        }

        return new PhaseResult(true, match?.EndpointKey, prepared, holder?.Value ?? response, outcomes);
    }

    /// <summary>
    /// Runs one rule on <paramref name="context"/> as given (no permission injection; the context may be changed by
    /// actions). For rule testers and workflow rule tasks.
    /// </summary>
    public static RuleOutcome ExecuteRule(RuleSet ruleSet, string ruleId, JsonObject context, JsonNode? response = null) =>
        Execute(ruleSet, ruleId, context, response is null ? null : new ResponseHolder(response), defaultInclude: false);

    /// <summary>
    /// A copy of <paramref name="context"/> with the endpoint's <c>permission</c> block added as <c>permission</c> and
    /// each of its keys promoted to the root (<c>roles</c>, <c>row</c>, <c>col</c>, …) unless the key is reserved.
    /// </summary>
    public static JsonObject PrepareContext(JsonObject context, EndpointRules? endpoint, string? endpointName = null) =>
        PrepareInPlace(context.DeepClone().AsObject(), endpoint, endpointName);

    private static JsonObject PrepareInPlace(JsonObject prepared, EndpointRules? endpoint, string? endpointName)
    {
        var permission = endpoint?.Permission?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in permission)
        {
            if (!RuleContextKeys.Reserved.Contains(key))
            {
                prepared[key] = value?.DeepClone();
            }
        }

        prepared["permission"] = permission;
        if (endpointName is not null && !prepared.ContainsKey("endpoint"))
        {
            prepared["endpoint"] = endpointName;
        }

        return prepared;
    }

    private static RuleDecision Denied(string endpoint, string endpointKey, RuleOutcome deciding, List<RuleOutcome> outcomes) => new()
    {
        Allowed = false,
        Code = deciding.Code == RuleOutcomeCode.Error ? RuleDecisionCode.Error : RuleDecisionCode.Denied,
        Endpoint = endpoint,
        EndpointKey = endpointKey,
        RuleId = deciding.RuleId,
        Reason = $"endpoint rule '{endpointKey}' denied the call: " +
            string.Join("; ", outcomes.Select(o => $"rule '{o.RuleId}' {o.ReasonCode}: {o.Reason}")),
        Outcomes = outcomes,
    };

    private static bool ChangesContext(RuleSet ruleSet, string ruleId) =>
        ruleSet.Rules.TryGetValue(ruleId, out var rule) && rule.Actions.Any(a => a.Plugin is not IContextPreservingRuleAction);

    private static bool ReadsResponseBody(RuleDefinition rule) =>
        rule.ConditionLanguage == ConditionLanguage.Cel ||
        rule.Conditions.Any(c => c.Operand.Contains("responseBody", StringComparison.Ordinal) || ConditionOperators.TryParse(c.OperatorCode, out var op) && op == ConditionOperator.Cel);

    private static RuleOutcome Execute(RuleSet ruleSet, string ruleId, JsonObject context, ResponseHolder? response, bool defaultInclude)
    {
        if (!ruleSet.Rules.TryGetValue(ruleId, out var rule))
        {
            return new RuleOutcome(ruleId, RuleOutcomeCode.RuleNotFound, $"rule '{ruleId}' is not in the rule set");
        }

        var condition = rule.Condition.Evaluate(context);
        if (condition.IsError)
        {
            return new RuleOutcome(ruleId, RuleOutcomeCode.Error, condition.Error!, condition.ConditionIndex);
        }

        if (!condition.Matched)
        {
            return new RuleOutcome(ruleId, RuleOutcomeCode.ConditionsNotMet, condition.Detail ?? "the conditions are false", condition.ConditionIndex);
        }

        var profile = ruleSet.Options.ProfileNamed(rule.EffectiveProfile) ?? ruleSet.Options.DefaultCelProfile;
        string? lastReason = null;
        foreach (var action in rule.Actions)
        {
            var actionContext = new RuleActionContext
            {
                Rule = rule,
                Action = action,
                Context = context,
                Response = response?.Value,
                HasResponse = response is not null,
                Options = ruleSet.Options,
                DefaultInclude = defaultInclude,
                Profile = profile,
            };

            RuleActionResult result;
            try
            {
                result = action.Plugin.Execute(actionContext);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new RuleOutcome(ruleId, RuleOutcomeCode.Error, $"action '{action.ActionRef}' threw {e.GetType().Name}: {e.Message}", Action: action.ActionRef);
            }

            if (response is not null)
            {
                response.Value = actionContext.Response;
            }

            if (!result.Passed)
            {
                return new RuleOutcome(ruleId, RuleOutcomeCode.ActionDenied, result.Reason ?? $"action '{action.ActionRef}' returned false", Action: action.ActionRef);
            }

            lastReason = result.Reason;
        }

        return new RuleOutcome(ruleId, RuleOutcomeCode.Passed, lastReason ?? condition.Detail ?? "passed");
    }

    private sealed class ResponseHolder(JsonNode? value)
    {
        public JsonNode? Value { get; set; } = value;
    }
}
