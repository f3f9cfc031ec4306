namespace LightFabric.Rules.Conditions;

/// <summary>The result of a rule's condition: matched, not matched, or not evaluable (an error, which fails closed).</summary>
public sealed record ConditionOutcome(bool Matched, string? Error, int? ConditionIndex, string? Detail)
{
    public static readonly ConditionOutcome NoConditions = new(true, null, null, "the rule has no conditions");

    public bool IsError => Error is not null;

    public static ConditionOutcome Fail(string error, int? index = null) => new(false, error, index, null);
}
