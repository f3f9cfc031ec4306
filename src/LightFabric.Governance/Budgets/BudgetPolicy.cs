namespace LightFabric.Governance.Budgets;

/// <summary>
/// Charges calls against their subject's budget in the configured mode: <c>control</c> refuses an over-budget call,
/// <c>soft</c> lets it through uncharged and says so, <c>observe</c> never changes a balance and says what control
/// would have done. A ledger failure follows <c>failMode</c>. Reserve before invoking; refund when the upstream never
/// received the call (a call it received is charged, a tool error included).
/// </summary>
public sealed class BudgetPolicy(BudgetSettings settings, IBudgetLedger ledger)
{
    public const string Exhausted = "budget_exhausted";
    public const string Insufficient = "insufficient_budget";
    public const string LedgerError = "budget_error";

    public BudgetSettings Settings { get; } = settings;

    /// <param name="subject">Who pays; null for a caller without a budget (anonymous).</param>
    /// <param name="requestKey">Identifies a retry of the same request (see <see cref="BudgetSubjects.RequestKey"/>).</param>
    public ValueTask<BudgetDecision> ReserveAsync(string? subject, string toolName, string? requestKey, CancellationToken cancellationToken) =>
        ReserveAsync(subject, Settings.Costs.CostOf(toolName), requestKey, cancellationToken);

    /// <param name="subject">Who pays; null for a caller without a budget (anonymous).</param>
    /// <param name="cost">What the call costs (a tool's or a route's cost).</param>
    /// <param name="requestKey">Identifies a retry of the same request (see <see cref="BudgetSubjects.RequestKey"/>).</param>
    public async ValueTask<BudgetDecision> ReserveAsync(string? subject, long cost, string? requestKey, CancellationToken cancellationToken)
    {
        if (cost == 0)
        {
            return BudgetDecision.Free;
        }

        if (subject is null || Settings.AccountOf(subject) is not { } account)
        {
            return new BudgetDecision(BudgetOutcome.Unlimited, cost, -1);
        }

        try
        {
            if (Settings.Mode == EnforcementMode.Observe)
            {
                var left = await ledger.RemainingAsync(account, cancellationToken).ConfigureAwait(false);
                return left >= cost
                    ? new BudgetDecision(BudgetOutcome.Observed, cost, left)
                    : new BudgetDecision(BudgetOutcome.WouldDeny, cost, left, CodeFor(left));
            }

            var reservation = await ledger.ReserveAsync(new BudgetCharge(account, cost, requestKey), cancellationToken).ConfigureAwait(false);
            return reservation.Status switch
            {
                ReservationStatus.Reserved => new BudgetDecision(BudgetOutcome.Charged, cost, reservation.Remaining, null, reservation),
                ReservationStatus.Replayed => new BudgetDecision(BudgetOutcome.Replayed, cost, reservation.Remaining),
                _ when Settings.Mode == EnforcementMode.Soft => new BudgetDecision(BudgetOutcome.SoftOver, cost, reservation.Remaining, CodeFor(reservation.Remaining)),
                _ => new BudgetDecision(BudgetOutcome.Denied, cost, reservation.Remaining, CodeFor(reservation.Remaining)),
            };
        }
        catch (BudgetLedgerException)
        {
            return Settings.FailMode == BudgetFailMode.Open
                ? new BudgetDecision(BudgetOutcome.LedgerFailedOpen, cost, -1, LedgerError)
                : new BudgetDecision(BudgetOutcome.Denied, cost, -1, LedgerError);
        }
    }

    /// <summary>After the call: a reserved cost is given back when the upstream never received the call.</summary>
    /// <returns>The decision as it stands after settling (a refunded charge reads as free).</returns>
    public async ValueTask<BudgetDecision> SettleAsync(BudgetDecision decision, bool upstreamReceived, CancellationToken cancellationToken)
    {
        if (upstreamReceived || decision.Reservation is not { } reservation)
        {
            return decision;
        }

        try
        {
            await ledger.RefundAsync(reservation, cancellationToken).ConfigureAwait(false);
            return decision with { Outcome = BudgetOutcome.Free, Remaining = reservation.Remaining + reservation.Charge.Cost, Reservation = null };
        }
        catch (BudgetLedgerException)
        {
            // The credits stay taken; the audit record says charged, which is what the ledger holds.
            return decision;
        }
    }

    private static string CodeFor(long remaining) => remaining > 0 ? Insufficient : Exhausted;
}
