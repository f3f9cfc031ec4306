namespace LightFabric.Governance.Budgets;

/// <summary>A subject's limit as a ledger applies it.</summary>
/// <param name="Subject">What the budget is keyed by (a token id, a client id, an API key id).</param>
/// <param name="Limit">Credits per <paramref name="Period"/>; at least 1 (a subject without a limit is not charged).</param>
public sealed record BudgetAccount(string Subject, long Limit, BudgetPeriod Period = BudgetPeriod.Total);

/// <summary>One call's charge against an account.</summary>
/// <param name="Cost">Credits, at least 1.</param>
/// <param name="RequestKey">Identifies a retried request (same subject, tool and JSON-RPC id): charged once within
/// <see cref="IBudgetLedger.ReplayWindow"/>. Null when the call cannot be retried as the same request.</param>
public sealed record BudgetCharge(BudgetAccount Account, long Cost, string? RequestKey);

/// <summary>What a reservation came to.</summary>
public enum ReservationStatus
{
    /// <summary>The cost is taken from the balance (given back by a refund).</summary>
    Reserved,

    /// <summary>The same request was charged before: nothing taken again.</summary>
    Replayed,

    /// <summary>Some credits are left, fewer than the cost.</summary>
    Insufficient,

    /// <summary>No credits are left.</summary>
    Exhausted,
}

/// <summary>A ledger's answer to a charge.</summary>
/// <param name="Remaining">Credits left in the account's current period after this reservation.</param>
/// <param name="Window">The start of the period the charge counts in (for a refund).</param>
public sealed record BudgetReservation(ReservationStatus Status, BudgetCharge Charge, long Remaining, DateTimeOffset Window)
{
    public bool Allowed => Status is ReservationStatus.Reserved or ReservationStatus.Replayed;
}

/// <summary>The ledger could not be read or written (a database or Redis that is down); the policy's failMode decides.</summary>
public sealed class BudgetLedgerException(string message, Exception? inner = null) : Exception(message, inner);
