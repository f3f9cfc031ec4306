using Microsoft.Data.Sqlite;

namespace LightFabric.Governance.Budgets;

/// <summary>
/// Balances in a SQLite file: kept across restarts and shared by every gateway process that opens the same file on
/// one machine. Each reservation is one write transaction, so concurrent charges never take more than the limit.
/// </summary>
public sealed class SqliteBudgetLedger : IBudgetLedger, IDisposable, IAsyncDisposable
{
    // Each reservation adds at most one key and forgets up to this many, so expired keys never pile up and no single
    // call pays for a large backlog (after a long stop, say).
    private const int ExpiredPerCall = 100;

    private const string ForgetExpired = """
        DELETE FROM budget_requests WHERE request_key IN
            (SELECT request_key FROM budget_requests WHERE expires_at <= $now LIMIT $batch)
        """;

    private const string IsCharged = "SELECT 1 FROM budget_requests WHERE request_key = $key AND expires_at > $now";

    private const string Spent = "SELECT spent FROM budget_spent WHERE subject = $subject AND window_start = $window";

    private const string AddSpent = """
        INSERT INTO budget_spent (subject, window_start, spent) VALUES ($subject, $window, $cost)
        ON CONFLICT (subject, window_start) DO UPDATE SET spent = spent + excluded.spent
        """;

    private const string RememberRequest = "INSERT OR REPLACE INTO budget_requests (request_key, expires_at) VALUES ($key, $expires)";

    private const string GiveBack = "UPDATE budget_spent SET spent = max(0, spent - $cost) WHERE subject = $subject AND window_start = $window";

    private const string ForgetRequest = "DELETE FROM budget_requests WHERE request_key = $key";

    private readonly SqliteLedgerFile _file;
    private readonly TimeProvider _time;

    /// <param name="path">The database file; it and its directory are created on first use.</param>
    /// <param name="lockTimeout">How long a call waits for another writer of the file (default
    /// <see cref="DefaultLockTimeout"/>) before it fails with <see cref="BudgetLedgerException"/>.</param>
    public SqliteBudgetLedger(string path, TimeProvider? time = null, TimeSpan? lockTimeout = null)
    {
        _file = new SqliteLedgerFile(path, lockTimeout ?? DefaultLockTimeout);
        _time = time ?? TimeProvider.System;
    }

    public static TimeSpan DefaultLockTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The database file's full path.</summary>
    public string Path => _file.Path;

    public async ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = BudgetPeriods.WindowStart(charge.Account.Period, now);
        return await _file.WriteAsync("reserve credits", async (transaction, ct) =>
        {
            var nowMs = now.ToUnixTimeMilliseconds();
            await ExecuteAsync(transaction, ForgetExpired, ct, ("$now", nowMs), ("$batch", ExpiredPerCall)).ConfigureAwait(false);
            var remaining = charge.Account.Limit - await SpentAsync(transaction, charge.Account.Subject, window, ct).ConfigureAwait(false);
            if (charge.RequestKey is { } key && await ScalarAsync(transaction, IsCharged, ct, ("$key", key), ("$now", nowMs)).ConfigureAwait(false) is not null)
            {
                return new BudgetReservation(ReservationStatus.Replayed, charge, Math.Max(remaining, 0), window);
            }

            if (remaining < charge.Cost)
            {
                var status = remaining > 0 ? ReservationStatus.Insufficient : ReservationStatus.Exhausted;
                return new BudgetReservation(status, charge, Math.Max(remaining, 0), window);
            }

            await ExecuteAsync(transaction, AddSpent, ct, Account(charge, window)).ConfigureAwait(false);
            if (charge.RequestKey is { } requestKey)
            {
                var expires = (now + IBudgetLedger.ReplayWindow).ToUnixTimeMilliseconds();
                await ExecuteAsync(transaction, RememberRequest, ct, ("$key", requestKey), ("$expires", expires)).ConfigureAwait(false);
            }

            return new BudgetReservation(ReservationStatus.Reserved, charge, remaining - charge.Cost, window);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        if (reservation.Status != ReservationStatus.Reserved)
        {
            return;
        }

        var charge = reservation.Charge;
        await _file.WriteAsync("refund credits", async (transaction, ct) =>
        {
            await ExecuteAsync(transaction, GiveBack, ct, Account(charge, reservation.Window)).ConfigureAwait(false);
            if (charge.RequestKey is { } key)
            {
                await ExecuteAsync(transaction, ForgetRequest, ct, ("$key", key)).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken)
    {
        var window = BudgetPeriods.WindowStart(account.Period, _time.GetUtcNow());
        var spent = await _file.ReadAsync("read a balance", (transaction, ct) => SpentAsync(transaction, account.Subject, window, ct), cancellationToken)
            .ConfigureAwait(false);
        return Math.Max(0, account.Limit - spent);
    }

    public void Dispose() => _file.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static (string, object)[] Account(BudgetCharge charge, DateTimeOffset window) =>
        [("$subject", charge.Account.Subject), ("$window", window.ToUnixTimeMilliseconds()), ("$cost", charge.Cost)];

    private async Task<long> SpentAsync(SqliteTransaction transaction, string subject, DateTimeOffset window, CancellationToken cancellationToken) =>
        await ScalarAsync(transaction, Spent, cancellationToken, ("$subject", subject), ("$window", window.ToUnixTimeMilliseconds())).ConfigureAwait(false)
            is long spent ? spent : 0;

    private async Task ExecuteAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(transaction, sql, parameters);
        await command.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(transaction, sql, parameters);
        return await command.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private LedgerCommand Command(SqliteTransaction transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = _file.Command(transaction, sql);
        foreach (var (name, value) in parameters)
        {
            command.Command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
