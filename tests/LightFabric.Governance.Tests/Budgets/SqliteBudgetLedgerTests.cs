using LightFabric.Governance.Budgets;
using Microsoft.Data.Sqlite;

namespace LightFabric.Governance.Tests.Budgets;

public sealed class SqliteBudgetLedgerTests : BudgetLedgerContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"lf-ledger-{Guid.NewGuid():N}");
    private readonly List<SqliteBudgetLedger> _ledgers = [];

    // A directory that does not exist yet: the ledger creates it.
    private string DatabasePath => Path.Combine(_directory, "state", "budgets.db");

    public void Dispose()
    {
        foreach (var ledger in _ledgers)
        {
            ledger.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override IBudgetLedger CreateLedger() => Open(DatabasePath);

    [Fact]
    public async Task Balances_and_request_keys_survive_a_restart()
    {
        var total = new BudgetAccount("tok-r", 10);
        var daily = new BudgetAccount("tok-s", 5, BudgetPeriod.Day);
        await using (var before = new SqliteBudgetLedger(DatabasePath, Clock))
        {
            await before.ReserveAsync(new BudgetCharge(total, 4, "req-r"), default);
            await before.ReserveAsync(new BudgetCharge(daily, 2, null), default);
            var refunded = await before.ReserveAsync(new BudgetCharge(total, 3, "req-refunded"), default);
            await before.RefundAsync(refunded, default);
        }

        var after = Open(DatabasePath);

        Assert.Equal(6, await after.RemainingAsync(total, default));
        Assert.Equal(3, await after.RemainingAsync(daily, default));
        Assert.Equal(ReservationStatus.Replayed, (await after.ReserveAsync(new BudgetCharge(total, 4, "req-r"), default)).Status);
        Assert.Equal(ReservationStatus.Reserved, (await after.ReserveAsync(new BudgetCharge(total, 3, "req-refunded"), default)).Status);
        Assert.Equal(3, await after.RemainingAsync(total, default));

        Clock.Advance(IBudgetLedger.ReplayWindow);
        Assert.Equal(5, await after.RemainingAsync(daily, default));
        Assert.Equal((ReservationStatus.Reserved, 0L), await StatusAndRemaining(after, new BudgetCharge(total, 3, "req-r")));
    }

    [Fact]
    public async Task Two_ledgers_on_one_file_share_balances_and_never_exceed_the_limit()
    {
        // Like two gateway processes: each has its own connections and in-process lock, only the file is shared.
        var first = Open(DatabasePath);
        var second = Open(DatabasePath);
        var account = new BudgetAccount("tok-shared", 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? first : second).ReserveAsync(new BudgetCharge(account, 1, $"req-{i}"), default))));

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Exhausted));
        Assert.Equal(0, await first.RemainingAsync(account, default));
        Assert.Equal(0, await second.RemainingAsync(account, default));

        var charged = results.First(r => r.Status == ReservationStatus.Reserved);
        await first.RefundAsync(charged, default);
        Assert.Equal(1, await second.RemainingAsync(account, default));

        var other = new BudgetAccount("tok-other", 10);
        await first.ReserveAsync(new BudgetCharge(other, 4, "req-x"), default);
        Assert.Equal((ReservationStatus.Replayed, 6L), await StatusAndRemaining(second, new BudgetCharge(other, 4, "req-x")));
    }

    [Fact]
    public async Task Expired_request_keys_are_deleted_from_the_file()
    {
        var ledger = Open(DatabasePath);
        var account = new BudgetAccount("tok-k", 100);
        for (var i = 0; i < 3; i++)
        {
            await ledger.ReserveAsync(new BudgetCharge(account, 1, $"old-{i}"), default);
        }

        Clock.Advance(IBudgetLedger.ReplayWindow);
        await ledger.ReserveAsync(new BudgetCharge(account, 1, "new"), default);

        using var other = OpenRaw();
        using var command = other.CreateCommand();
        command.CommandText = "SELECT group_concat(request_key) FROM budget_requests";
        Assert.Equal("new", command.ExecuteScalar());
    }

    [Fact]
    public async Task A_path_that_cannot_be_opened_fails_with_a_ledger_error_naming_the_file()
    {
        // A directory where the database file should be.
        Directory.CreateDirectory(DatabasePath);
        var ledger = Open(DatabasePath);
        var account = new BudgetAccount("tok-x", 10);

        var reserve = await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default));
        var remaining = await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.RemainingAsync(account, default));

        Assert.Contains(DatabasePath, reserve.Message);
        Assert.IsType<SqliteException>(reserve.InnerException);
        Assert.Contains(DatabasePath, remaining.Message);
    }

    [Fact]
    public async Task A_failure_part_way_through_a_reservation_changes_no_balance()
    {
        var ledger = Open(DatabasePath);
        var account = new BudgetAccount("tok-y", 10);
        await ledger.ReserveAsync(new BudgetCharge(account, 1, "req-first"), default);

        // The credits are added before the request key is written; make writing the key fail, as a full disk would.
        using (var other = OpenRaw())
        {
            Execute(other, "CREATE TRIGGER fail_request BEFORE INSERT ON budget_requests BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
        }

        await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.ReserveAsync(new BudgetCharge(account, 5, "req-second"), default));

        Assert.Equal(9, await ledger.RemainingAsync(account, default));
    }

    [Fact]
    public async Task A_file_locked_past_the_timeout_fails_with_a_ledger_error_and_changes_nothing()
    {
        var ledger = Open(DatabasePath, TimeSpan.FromSeconds(1));
        var account = new BudgetAccount("tok-z", 10);
        await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default);

        using var other = OpenRaw();
        using var held = other.BeginTransaction(deferred: false);

        var error = await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default));
        Assert.Contains(DatabasePath, error.Message);
        // Readers do not wait for the writer.
        Assert.Equal(9, await ledger.RemainingAsync(account, default));

        held.Rollback();
        Assert.Equal((ReservationStatus.Reserved, 4L), await StatusAndRemaining(ledger, new BudgetCharge(account, 5, null)));
    }

    private static async Task<(ReservationStatus, long)> StatusAndRemaining(IBudgetLedger ledger, BudgetCharge charge)
    {
        var reservation = await ledger.ReserveAsync(charge, default);
        return (reservation.Status, reservation.Remaining);
    }

    private SqliteBudgetLedger Open(string path, TimeSpan? lockTimeout = null)
    {
        var ledger = new SqliteBudgetLedger(path, Clock, lockTimeout);
        _ledgers.Add(ledger);
        return ledger;
    }

    // Another process's connection to the same file, outside the ledger's pool.
    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
