using LightFabric.Governance.Audit;

namespace LightFabric.Governance.Tests.Audit;

public sealed class SqliteAuditStoreTests : AuditTestKit
{
    private static readonly AuditDecision RbacAllowed = new("rbac", "allowed", "control");
    private static readonly AuditDecision RbacDenied = new("rbac", "denied", "control", "FORBIDDEN", "role missing");
    private static readonly AuditDecision BudgetWouldDeny = new("budget", "would-deny", "observe", "BUDGET_EXHAUSTED");
    private static readonly AuditDecision BudgetSoftOver = new("budget", "soft-over", "soft");
    private static readonly AuditDecision BudgetAllowed = new("budget", "allowed", "observe");

    [Fact]
    public async Task Query_filters_by_time_subject_target_and_decision_newest_first()
    {
        await using (var writer = Writer(jsonl: null))
        {
            await writer.AppendAsync(Record("search", "alice", decisions: RbacAllowed) with { Id = "old" }, default);
            Clock.Advance(TimeSpan.FromHours(2));
            await writer.AppendAsync(Record("search", "alice", decisions: [RbacAllowed, BudgetWouldDeny]) with { Id = "a1" }, default);
            Clock.Advance(TimeSpan.FromMinutes(1));
            await writer.AppendAsync(Record("delete", "bob", "denied", decisions: RbacDenied) with { Id = "b1" }, default);
            Clock.Advance(TimeSpan.FromMinutes(1));
            // Denied by the upstream pipeline without a policy decision row.
            await writer.AppendAsync(Record("delete", "alice", "denied") with { Id = "a2" }, default);
            Clock.Advance(TimeSpan.FromMinutes(1));
            await writer.AppendAsync(Record("search", "bob", decisions: BudgetAllowed) with { Id = "b2" }, default);
        }

        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        async Task<string[]> Ids(AuditQuery query) => (await store.QueryAsync(query, default)).Select(r => r.Id).ToArray();

        Assert.Equal(["b2", "a2", "b1", "a1", "old"], await Ids(new AuditQuery()));
        Assert.Equal(["b2", "a2", "b1", "a1"], await Ids(AuditQuery.Last(TimeSpan.FromHours(1), Clock)));
        Assert.Equal(["a2", "a1", "old"], await Ids(new AuditQuery { Subject = "alice" }));
        Assert.Equal(["b2", "a1", "old"], await Ids(new AuditQuery { Target = "search" }));
        Assert.Equal(["a1"], await Ids(new AuditQuery { Decision = "would-deny" }));
        Assert.Equal(["a2", "b1"], await Ids(new AuditQuery { Decision = "denied" }));
        Assert.Equal(["a2"], await Ids(new AuditQuery { Decision = "denied", Subject = "alice" }));
        Assert.Equal(["b2", "a2"], await Ids(new AuditQuery { Limit = 2 }));
        Assert.Empty(await Ids(new AuditQuery { Subject = "carol" }));

        var full = (await store.QueryAsync(new AuditQuery { Target = "delete", Subject = "bob" }, default)).Single();
        Assert.Equal(RbacDenied, Assert.Single(full.Decisions));
        Assert.NotNull(full.Hash);
    }

    [Fact]
    public async Task Report_counts_decisions_per_policy_target_and_subject()
    {
        await using (var writer = Writer(jsonl: null))
        {
            await writer.AppendAsync(Record("search", "alice", cost: 100, decisions: RbacAllowed), default);
            Clock.Advance(TimeSpan.FromDays(2));
            await writer.AppendAsync(Record("search", "alice", cost: 2, decisions: [RbacAllowed, BudgetAllowed]), default);
            await writer.AppendAsync(Record("search", "alice", cost: 3, decisions: [RbacAllowed, BudgetWouldDeny]), default);
            await writer.AppendAsync(Record("search", "alice", cost: 5, decisions: [RbacAllowed, BudgetSoftOver]), default);
            await writer.AppendAsync(Record("delete", "bob", "denied", cost: 0, decisions: RbacDenied), default);
            await writer.AppendAsync(Record("delete", "bob", "denied", cost: 0, decisions: RbacDenied), default);
            await writer.AppendAsync(Record("delete", null, cost: 7, decisions: RbacAllowed), default);
        }

        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        var since = Clock.GetUtcNow() - TimeSpan.FromDays(1);
        var report = await store.ReportAsync(since, default);

        Assert.Equal(since, report.Since);
        Assert.Equal<AuditReportRow>(
        [
            new("budget", "search", "alice", Calls: 3, Allowed: 1, Denied: 0, WouldDeny: 1, SoftOver: 1, Cost: 10),
            new("rbac", "delete", null, Calls: 1, Allowed: 1, Denied: 0, WouldDeny: 0, SoftOver: 0, Cost: 7),
            new("rbac", "delete", "bob", Calls: 2, Allowed: 0, Denied: 2, WouldDeny: 0, SoftOver: 0, Cost: 0),
            new("rbac", "search", "alice", Calls: 3, Allowed: 3, Denied: 0, WouldDeny: 0, SoftOver: 0, Cost: 10),
        ], report.Rows);
    }

    [Fact]
    public async Task Opening_a_missing_database_for_reading_names_it_and_creates_nothing()
    {
        var failure = Assert.Throws<AuditStoreException>(() => SqliteAuditStore.OpenExisting(DatabasePath));

        Assert.Contains(DatabasePath, failure.Message);
        Assert.False(File.Exists(DatabasePath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(DatabasePath)));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_is_in_wal_mode_and_a_retried_batch_is_stored_once()
    {
        var store = new SqliteAuditStore(DatabasePath);
        var (record, _, _) = AuditJson.Seal(Record(decisions: RbacAllowed), AuditJson.GenesisHash);
        await store.InsertAsync([record], durable: true, default);
        await store.InsertAsync([record], durable: false, default);

        Assert.Single(await store.QueryAsync(new AuditQuery(), default));
        Assert.Equal(1, Assert.Single((await store.ReportAsync(DateTimeOffset.MinValue, default)).Rows).Calls);
        store.Dispose();
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
