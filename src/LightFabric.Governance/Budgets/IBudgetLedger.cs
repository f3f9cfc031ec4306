namespace LightFabric.Governance.Budgets;

/// <summary>
/// Where balances live. A reservation is atomic: concurrent charges against one account never take more than its
/// limit, across every gateway sharing the ledger. Failures throw <see cref="BudgetLedgerException"/>.
/// </summary>
public interface IBudgetLedger
{
    /// <summary>How long a charged request key is remembered (a retry within it is not charged again).</summary>
    static readonly TimeSpan ReplayWindow = TimeSpan.FromHours(24);

    /// <summary>Takes the cost from the account's current period, or says why not; changes nothing when refused.</summary>
    ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken);

    /// <summary>Gives a reserved cost back (the upstream never received the call); its request key is forgotten.</summary>
    ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken);

    /// <summary>Credits left in the account's current period.</summary>
    ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken);
}
