namespace LightFabric.Governance.Calls;

/// <summary>
/// One policy's decision on a call. <see cref="Allowed"/> is whether the call may go on; <see cref="Decision"/> is what
/// the audit trail records (allowed, denied, would-deny, and the budget's charged, shadow, soft-over, …).
/// </summary>
/// <param name="Policy">The policy's name (access-control, budget, input-schema).</param>
/// <param name="Mode">The policy's mode when it decided.</param>
/// <param name="Code">A machine-readable reason for a refusal (budget_exhausted, access_denied, …).</param>
/// <param name="Reason">What the caller is told; never echoes arguments.</param>
/// <param name="Detail">What the layer that answers the caller needs to shape its error (JSON-RPC data, a result).</param>
public sealed record StepDecision(string Policy, bool Allowed, string Decision, EnforcementMode Mode, string? Code = null, string? Reason = null,
    object? Detail = null)
{
    public const string AllowedDecision = "allowed";
    public const string DeniedDecision = "denied";
    public const string WouldDenyDecision = "would-deny";

    /// <param name="reason">Why it was allowed (the rule that allowed it), for the log and the audit record.</param>
    public static StepDecision Allow(string policy, EnforcementMode mode = EnforcementMode.Control, string? reason = null) =>
        new(policy, true, AllowedDecision, mode, null, reason);

    public static StepDecision Deny(string policy, string code, string reason, object? detail = null, EnforcementMode mode = EnforcementMode.Control) =>
        new(policy, false, DeniedDecision, mode, code, reason, detail);

    /// <summary>A refusal made in observe mode: recorded as would-deny, and the call goes on.</summary>
    public StepDecision Observed() => this with { Allowed = true, Decision = WouldDenyDecision };
}
