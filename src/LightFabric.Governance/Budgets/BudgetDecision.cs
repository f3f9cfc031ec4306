namespace LightFabric.Governance.Budgets;

/// <summary>What the budget did with one call, for the answer, the receipt and the audit record.</summary>
public enum BudgetOutcome
{
    /// <summary>The call costs nothing (cost 0, or a method that is never charged).</summary>
    Free,

    /// <summary>The caller has no budget (anonymous, or no limit): nothing charged.</summary>
    Unlimited,

    /// <summary>The cost was taken from the balance.</summary>
    Charged,

    /// <summary>A retry of a request charged before: not charged again.</summary>
    Replayed,

    /// <summary>Refused before the upstream saw it: over budget in control mode, or the ledger failed with failMode closed.</summary>
    Denied,

    /// <summary>Over budget in soft mode: let through, not charged.</summary>
    SoftOver,

    /// <summary>Observe mode: nothing charged; the balance would have covered it.</summary>
    Observed,

    /// <summary>Observe mode: nothing charged; control mode would have refused it.</summary>
    WouldDeny,

    /// <summary>The ledger failed and failMode is open: let through, not charged.</summary>
    LedgerFailedOpen,
}

/// <summary>A budget decision.</summary>
/// <param name="Code">For a refusal or a call over budget: budget_exhausted, insufficient_budget or budget_error.</param>
/// <param name="Remaining">Credits left after the call; -1 when unlimited or unknown.</param>
/// <param name="Reservation">What to refund when the upstream never received the call.</param>
public sealed record BudgetDecision(BudgetOutcome Outcome, long Cost, long Remaining, string? Code = null, BudgetReservation? Reservation = null)
{
    public bool Allowed => Outcome != BudgetOutcome.Denied;

    public static BudgetDecision Free { get; } = new(BudgetOutcome.Free, 0, -1);

    /// <summary>The audit name of the outcome.</summary>
    public string Name => Outcome switch
    {
        BudgetOutcome.Free => "free",
        BudgetOutcome.Unlimited => "unlimited",
        BudgetOutcome.Charged => "charged",
        BudgetOutcome.Replayed => "replayed",
        BudgetOutcome.Denied => "denied",
        BudgetOutcome.SoftOver => "soft-over",
        BudgetOutcome.Observed => "shadow",
        BudgetOutcome.WouldDeny => "would-deny",
        _ => "ledger-failed-open",
    };
}
