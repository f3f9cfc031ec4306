using System.Text.Json.Nodes;

namespace LightFabric.Rules.Model;

/// <summary>How a rule's condition is written.</summary>
public enum ConditionLanguage
{
    /// <summary>Flat <c>conditions</c> rows joined left to right (the default).</summary>
    Native,

    /// <summary>One rule-level CEL <c>expression</c>.</summary>
    Cel,
}

/// <summary>One entry of <c>ruleBodies</c>, validated and immutable.</summary>
public sealed class RuleDefinition
{
    public required string RuleId { get; init; }

    public string? RuleName { get; init; }

    /// <summary><c>ruleType</c>: the phase the rule is written for (<c>req-acc</c>, <c>res-fil</c>, …), when given.</summary>
    public string? RuleType { get; init; }

    public string? Description { get; init; }

    public string? Host { get; init; }

    public int? Priority { get; init; }

    public string? Common { get; init; }

    public string? Version { get; init; }

    public string? Author { get; init; }

    public string? UpdatedAt { get; init; }

    public ConditionLanguage ConditionLanguage { get; init; }

    /// <summary>The profile the rule asked for (<c>conditionSecurityProfile</c>), or null for the runtime default.</summary>
    public string? RequestedProfile { get; init; }

    /// <summary>The profile the rule's CEL runs under (requested ∩ runtime maximum, strict in response phases).</summary>
    public string? EffectiveProfile { get; init; }

    /// <summary>The rule-level CEL expression when <see cref="ConditionLanguage"/> is <see cref="ConditionLanguage.Cel"/>.</summary>
    public string? Expression { get; init; }

    public IReadOnlyList<RuleCondition> Conditions { get; init; } = [];

    public IReadOnlyList<RuleActionDefinition> Actions { get; init; } = [];

    /// <summary>Whether any action is a response row filter, a column filter, or neither (orders <c>res-fil</c> rules).</summary>
    internal int ResponseFilterOrder { get; init; } = 2;

    internal LightFabric.Rules.Conditions.CompiledCondition Condition { get; init; } = LightFabric.Rules.Conditions.CompiledCondition.Always;
}

/// <summary>One native condition row.</summary>
public sealed class RuleCondition
{
    /// <summary>The operator code as written (<c>operator</c> or <c>operatorCode</c>).</summary>
    public required string OperatorCode { get; init; }

    /// <summary>The operand path as written (<c>operand</c> or <c>propertyPath</c>); empty for CEL rows.</summary>
    public string Operand { get; init; } = "";

    /// <summary>The typed expected value (a JSON value; null when absent or null).</summary>
    public JsonNode? Expected { get; init; }

    /// <summary><c>AND</c> or <c>OR</c>: how this row combines with the result so far (ignored on the first row).</summary>
    public JoinCode JoinCode { get; init; }
}

/// <summary>How a condition row joins the accumulated result.</summary>
public enum JoinCode
{
    And,
    Or,
}

/// <summary>One entry of a rule's <c>actions</c>.</summary>
public sealed class RuleActionDefinition
{
    public string? ActionId { get; init; }

    /// <summary>The registered action name (<c>actionRef</c> or its alias <c>actionClassName</c>).</summary>
    public required string ActionRef { get; init; }

    /// <summary>Plugin configuration (<c>actionValues</c>), as given.</summary>
    public JsonNode? ActionValues { get; init; }

    internal Actions.IRuleAction Plugin { get; init; } = null!;
}
