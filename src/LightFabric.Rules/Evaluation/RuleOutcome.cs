namespace LightFabric.Rules.Evaluation;

/// <summary>How one rule ended.</summary>
public enum RuleOutcomeCode
{
    /// <summary>Conditions true and every action passed.</summary>
    Passed,

    /// <summary>The conditions were false; the actions did not run.</summary>
    ConditionsNotMet,

    /// <summary>An action returned false.</summary>
    ActionDenied,

    /// <summary>The rule could not be evaluated (CEL error, type mismatch, action exception); fails closed.</summary>
    Error,

    /// <summary>The endpoint references a rule that is not in the rule set.</summary>
    RuleNotFound,
}

/// <summary>The result of running one rule, with the reason and, for conditions, which one decided.</summary>
public sealed record RuleOutcome(string RuleId, RuleOutcomeCode Code, string Reason, int? ConditionIndex = null, string? Action = null)
{
    public bool Passed => Code == RuleOutcomeCode.Passed;

    /// <summary>A stable reason code for logs and audit, e.g. <c>rule.conditions_not_met</c>.</summary>
    public string ReasonCode => Code switch
    {
        RuleOutcomeCode.Passed => "rule.passed",
        RuleOutcomeCode.ConditionsNotMet => "rule.conditions_not_met",
        RuleOutcomeCode.ActionDenied => "rule.action_denied",
        RuleOutcomeCode.Error => "rule.error",
        _ => "rule.not_found",
    };
}
