namespace LightFabric.Governance.Budgets;

/// <summary>Balances in this process only (tests, a single gateway that may lose balances on restart).</summary>
public sealed class MemoryBudgetLedger(TimeProvider? time = null) : IBudgetLedger
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Subject, DateTimeOffset Window), long> _spent = [];
    private readonly Dictionary<string, DateTimeOffset> _requests = new(StringComparer.Ordinal);

    // Request keys in the order they expire (the clock only moves on), so forgetting them costs nothing per call.
    private readonly Queue<(DateTimeOffset Expires, string Key)> _expiry = new();

    public ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = BudgetPeriods.WindowStart(charge.Account.Period, now);
        lock (_lock)
        {
            ForgetExpired(now);
            var spent = _spent.GetValueOrDefault((charge.Account.Subject, window));
            var remaining = charge.Account.Limit - spent;
            if (charge.RequestKey is { } key && _requests.ContainsKey(key))
            {
                return ValueTask.FromResult(new BudgetReservation(ReservationStatus.Replayed, charge, Math.Max(remaining, 0), window));
            }

            if (remaining < charge.Cost)
            {
                var status = remaining > 0 ? ReservationStatus.Insufficient : ReservationStatus.Exhausted;
                return ValueTask.FromResult(new BudgetReservation(status, charge, Math.Max(remaining, 0), window));
            }

            _spent[(charge.Account.Subject, window)] = spent + charge.Cost;
            if (charge.RequestKey is { } requestKey)
            {
                var expires = now + IBudgetLedger.ReplayWindow;
                _requests[requestKey] = expires;
                _expiry.Enqueue((expires, requestKey));
            }

            return ValueTask.FromResult(new BudgetReservation(ReservationStatus.Reserved, charge, remaining - charge.Cost, window));
        }
    }

    public ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        if (reservation.Status != ReservationStatus.Reserved)
        {
            return ValueTask.CompletedTask;
        }

        var charge = reservation.Charge;
        lock (_lock)
        {
            var key = (charge.Account.Subject, reservation.Window);
            _spent[key] = Math.Max(0, _spent.GetValueOrDefault(key) - charge.Cost);
            if (charge.RequestKey is { } requestKey)
            {
                _requests.Remove(requestKey);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken)
    {
        var window = BudgetPeriods.WindowStart(account.Period, _time.GetUtcNow());
        lock (_lock)
        {
            return ValueTask.FromResult(Math.Max(0, account.Limit - _spent.GetValueOrDefault((account.Subject, window))));
        }
    }

    private void ForgetExpired(DateTimeOffset now)
    {
        while (_expiry.TryPeek(out var next) && next.Expires <= now)
        {
            _expiry.Dequeue();
            // A key refunded and charged again since has a later expiry of its own.
            if (_requests.TryGetValue(next.Key, out var expires) && expires == next.Expires)
            {
                _requests.Remove(next.Key);
            }
        }
    }
}
