using System.Collections.Concurrent;
using LightFabric.Governance.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Governance.Tests.Audit;

/// <summary>A temp directory, a fake clock and record makers for the audit tests.</summary>
public abstract class AuditTestKit : IDisposable
{
    protected AuditTestKit()
    {
        Directory.CreateDirectory(Root);
    }

    protected string Root { get; } = Path.Combine(Path.GetTempPath(), $"lf-audit-{Guid.NewGuid():N}");

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));

    protected ListLogger Logger { get; } = new();

    protected string JsonlDirectory => Path.Combine(Root, "audit");

    protected string DatabasePath => Path.Combine(Root, "data", "audit.db");

    protected string CurrentFile => Path.Combine(JsonlDirectory, JsonlAuditFile.CurrentName);

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    protected AuditWriter Writer(AuditDurability durability = AuditDurability.Strict, string? jsonl = "", string? sqlite = "", int capacity = AuditWriterOptions.DefaultCapacity) =>
        new(new AuditWriterOptions(jsonl == "" ? JsonlDirectory : jsonl, sqlite == "" ? DatabasePath : sqlite, durability, Capacity: capacity), Clock, Logger);

    protected AuditRecord Record(
        string target = "search", string? subject = "alice", string outcome = "ok", long cost = 1, params AuditDecision[] decisions) =>
        new()
        {
            Id = Guid.CreateVersion7(Clock.GetUtcNow()).ToString(),
            Time = Clock.GetUtcNow(),
            Kind = "mcp",
            Method = "tools/call",
            Target = target,
            Subject = subject,
            TokenId = subject is null ? null : $"tok-{subject}",
            Decisions = decisions,
            Cost = cost,
            Outcome = outcome,
            LatencyMs = 12.5,
            ArgumentsDigest = new string('a', 64),
        };

    protected async Task WriteAsync(int count, AuditDurability durability = AuditDurability.Strict)
    {
        await using var writer = Writer(durability);
        for (var i = 0; i < count; i++)
        {
            await writer.AppendAsync(Record(), default);
        }
    }

    protected string[] JsonlFiles() => Directory.GetFiles(JsonlDirectory, "*.jsonl");

    /// <summary>Advances the fake clock in small steps until <paramref name="task"/> ends: the writer's retry waits are on
    /// that clock, and its loop runs on other threads, so each step also gives it a moment of real time (up to 30 s in
    /// all, so a loaded machine does not fail a test that only waits for the loop).</summary>
    protected async Task DriveAsync(Task task, TimeSpan step, int maxSteps = 3000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            Clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(10));
        }

        Assert.True(task.IsCompleted, "the task did not finish");
    }
}

public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));

    public int Count(LogLevel level, string contains) =>
        Entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));
}
