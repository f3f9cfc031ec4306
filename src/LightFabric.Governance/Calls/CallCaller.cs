namespace LightFabric.Governance.Calls;

/// <summary>Who makes a governed call, as policies and the audit trail see it.</summary>
/// <param name="Subject">What budgets are keyed by (see the budget handler's <c>subject</c>); null for an anonymous caller.</param>
/// <param name="TokenId">The first 12 hex digits of the SHA-256 of the presented credential; null without one.</param>
/// <param name="Sub">The principal's <c>sub</c> claim.</param>
/// <param name="ClientId">The principal's <c>client_id</c> claim.</param>
public sealed record CallCaller(string? Subject, string? TokenId, string? Sub, string? ClientId)
{
    public static CallCaller Anonymous { get; } = new(null, null, null, null);
}
