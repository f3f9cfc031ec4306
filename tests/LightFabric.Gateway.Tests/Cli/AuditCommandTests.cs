using LightFabric.Gateway.Cli;
using LightFabric.Governance.Audit;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Gateway.Tests.Cli;

public sealed class AuditCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"lf-audit-cli-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 1, 22, 0, 0, TimeSpan.Zero));

    private string JsonlDirectory => Path.Combine(_root, "audit");

    private string Database => Path.Combine(_root, "data", "audit.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_reports_an_intact_chain_across_a_rotation()
    {
        await WriteTrailAsync();
        var files = Directory.GetFiles(JsonlDirectory, "*.jsonl");
        Assert.Equal(2, files.Length);

        var (code, stdout, _) = await RunAsync(["verify", .. files.Reverse()]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("5 records, chain intact", stdout.Trim());
        Assert.Equal((ExitCodes.Ok, "5 records, chain intact"), await Trimmed(RunAsync("verify", JsonlDirectory)));
    }

    [Fact]
    public async Task Verify_names_the_tampered_line_and_exits_1()
    {
        await WriteTrailAsync();
        var current = Path.Combine(JsonlDirectory, JsonlAuditFile.CurrentName);
        var lines = await File.ReadAllLinesAsync(current);
        lines[1] = lines[1].Replace("\"subject\":\"alice\"", "\"subject\":\"eve\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(current, lines);

        var (code, _, stderr) = await RunAsync("verify", JsonlDirectory);

        Assert.Equal(1, code);
        Assert.StartsWith($"{current}:2: hash does not match the record", stderr);
    }

    [Fact]
    public async Task Verify_of_a_missing_file_names_it()
    {
        var missing = Path.Combine(_root, "nope.jsonl");

        var (code, _, stderr) = await RunAsync("verify", missing);

        Assert.Equal(1, code);
        Assert.Contains(missing, stderr);
        Assert.Equal(ExitCodes.Usage, (await RunAsync("verify")).Code);
    }

    [Fact]
    public async Task Query_prints_a_table_or_json_lines_filtered_newest_first()
    {
        await WriteTrailAsync();

        var (code, stdout, _) = await RunAsync("query", "--db", Database, "--since", "7d");
        Assert.Equal(ExitCodes.Ok, code);
        var table = Lines(stdout);
        Assert.Equal(6, table.Length);
        Assert.StartsWith("TIME", table[0]);
        Assert.Contains("rbac:denied(FORBIDDEN)", table[1]);

        (code, stdout, _) = await RunAsync("query", "--db", Database, "--since", "24h", "--decision", "would-deny", "--json");
        Assert.Equal(ExitCodes.Ok, code);
        var record = AuditJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(Assert.Single(Lines(stdout))));
        Assert.Equal("search", record.Target);
        Assert.Equal("alice", record.Subject);

        (_, stdout, _) = await RunAsync("query", "--db", Database, "--since", "7d", "--subject", "bob", "--tool", "delete", "--json");
        Assert.Equal(2, Lines(stdout).Length);
        (_, stdout, _) = await RunAsync("query", "--db", Database, "--since", "7d", "--limit", "1", "--json");
        Assert.Single(Lines(stdout));
        // The two records of the first day are more than 30 minutes old.
        (_, stdout, _) = await RunAsync("query", "--db", Database, "--since", "30m", "--json");
        Assert.Equal(3, Lines(stdout).Length);
    }

    [Fact]
    public async Task Report_prints_counts_per_policy_target_and_subject()
    {
        await WriteTrailAsync();

        var (code, stdout, _) = await RunAsync("report", "--db", Database, "--since", "7d");

        Assert.Equal(ExitCodes.Ok, code);
        var table = Lines(stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(
        [
            "POLICY TARGET SUBJECT CALLS ALLOWED DENIED WOULD-DENY SOFT-OVER COST",
            "budget search alice 2 1 0 1 0 5",
            "rbac delete bob 2 0 2 0 0 0",
            "rbac search alice 3 3 0 0 0 6",
        ], table);

        (code, stdout, _) = await RunAsync("report", "--db", Database, "--since", "7d", "--json");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("""{"policy":"budget","target":"search","subject":"alice","calls":2,"allowed":1,"denied":0,"wouldDeny":1,"softOver":0,"cost":5}""",
            Lines(stdout)[0]);
    }

    [Fact]
    public async Task A_missing_database_is_named_and_not_created()
    {
        var (code, _, stderr) = await RunAsync("query", "--db", Database);

        Assert.Equal(1, code);
        Assert.Contains(Database, stderr);
        Assert.Contains("does not exist", stderr);
        Assert.False(File.Exists(Database));
        Assert.Equal(1, (await RunAsync("report", "--db", Database)).Code);
    }

    [Theory]
    [InlineData("query", "--since", "24x")]
    [InlineData("query", "--limit", "0")]
    [InlineData("query", "--limit")]
    [InlineData("report", "--subject", "x")]
    [InlineData("query", "--frobnicate")]
    [InlineData("prune")]
    public async Task Bad_arguments_are_a_usage_error(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("light-gateway audit: ", stderr);
        Assert.Contains("Usage:", stderr);
    }

    [Fact]
    public async Task The_gateway_command_line_dispatches_audit()
    {
        await WriteTrailAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await GatewayCommandLine.RunAsync(["audit", "verify", JsonlDirectory], stdout, stderr);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("5 records, chain intact", stdout.ToString().Trim());
    }

    [Fact]
    public void Since_takes_durations_and_times()
    {
        var now = _clock.GetUtcNow();
        Assert.Equal(now.AddMinutes(-30), AuditCommand.ParseSince("30m", _clock));
        Assert.Equal(now.AddHours(-24), AuditCommand.ParseSince("24h", _clock));
        Assert.Equal(now.AddDays(-7), AuditCommand.ParseSince("7d", _clock));
        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), AuditCommand.ParseSince("2025-02-01", _clock));
        Assert.Throws<ArgumentException>(() => AuditCommand.ParseSince("-1h", _clock));
    }

    // Two records on 1 March, three after midnight: the current file and one rotated file.
    private async Task WriteTrailAsync()
    {
        await using var writer = new AuditWriter(new AuditWriterOptions(JsonlDirectory, Database, AuditDurability.Strict), _clock);
        await writer.AppendAsync(Record("search", "alice", "ok", 1, new AuditDecision("rbac", "allowed", "control")), default);
        await writer.AppendAsync(Record("delete", "bob", "denied", 0, new AuditDecision("rbac", "denied", "control", "FORBIDDEN")), default);
        _clock.Advance(TimeSpan.FromHours(3));
        await writer.AppendAsync(Record("search", "alice", "ok", 2,
            new AuditDecision("rbac", "allowed", "control"), new AuditDecision("budget", "allowed", "observe")), default);
        await writer.AppendAsync(Record("search", "alice", "ok", 3,
            new AuditDecision("rbac", "allowed", "control"), new AuditDecision("budget", "would-deny", "observe", "BUDGET_EXHAUSTED")), default);
        await writer.AppendAsync(Record("delete", "bob", "denied", 0, new AuditDecision("rbac", "denied", "control", "FORBIDDEN")), default);
        _clock.Advance(TimeSpan.FromMinutes(5));
    }

    private AuditRecord Record(string target, string subject, string outcome, long cost, params AuditDecision[] decisions)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        return new AuditRecord
        {
            Id = Guid.CreateVersion7(_clock.GetUtcNow()).ToString(),
            Time = _clock.GetUtcNow(),
            Kind = "mcp",
            Method = "tools/call",
            Target = target,
            Subject = subject,
            Decisions = decisions,
            Cost = cost,
            Outcome = outcome,
            LatencyMs = 3,
        };
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync(args, stdout, stderr, _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<(int, string)> Trimmed(Task<(int Code, string Stdout, string Stderr)> run)
    {
        var (code, stdout, _) = await run;
        return (code, stdout.Trim());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
