using LightFabric.Governance.Audit;
using Microsoft.Extensions.Logging;

namespace LightFabric.Governance.Tests.Audit;

public sealed class AuditWriterTests : AuditTestKit
{
    [Fact]
    public async Task Strict_concurrent_appends_are_all_durable_and_share_fsyncs()
    {
        await using var writer = Writer();

        // Real concurrency: appends from many threads at once, each waiting for its own record to be durable.
        var appends = Enumerable.Range(0, 200).Select(i => Task.Run(async () => await writer.AppendAsync(Record(target: $"tool-{i % 7}"), default)));
        await Task.WhenAll(appends);

        Assert.Equal(200, writer.Written);
        Assert.Equal(0, writer.Pending);
        Assert.InRange(writer.Batches, 1, 199);
        // Durable when the append returned: both sinks already have every record, before the writer is disposed.
        Assert.Equal(200, File.ReadAllLines(CurrentFile).Length);
        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        Assert.Equal(200, (await store.QueryAsync(new AuditQuery { Limit = 1000 }, default)).Count);
        Assert.True(AuditVerifier.Verify(JsonlFiles()).Ok);
    }

    [Fact]
    public async Task Batched_appends_return_at_once_and_are_committed_after_the_flush_interval()
    {
        await using var writer = Writer(AuditDurability.Batched);

        var append = writer.AppendAsync(Record(), default);

        Assert.True(append.IsCompletedSuccessfully);
        Assert.Equal(1, writer.Pending);
        await DriveAsync(WaitUntil(() => writer.Written == 1), AuditWriterOptions.DefaultFlushInterval);
        Assert.Single(File.ReadAllLines(CurrentFile));
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task A_full_batched_queue_counts_drops_and_never_blocks()
    {
        var writer = Writer(AuditDurability.Batched, capacity: 10);

        // The clock never reaches the flush interval, so the queue holds what was appended.
        for (var i = 0; i < 50; i++)
        {
            Assert.True(writer.AppendAsync(Record(), default).IsCompletedSuccessfully);
        }

        Assert.Equal(40, writer.Dropped);
        Assert.Equal(40, writer.DroppedCount);
        Assert.Equal(10, writer.Pending);
        // One warning per second at most, however many records are dropped in it.
        Assert.Equal(1, Logger.Count(LogLevel.Warning, "queue is full"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(writer.AppendAsync(Record(), default).IsCompletedSuccessfully);
        Assert.Equal(41, writer.Dropped);
        Assert.Equal(2, Logger.Count(LogLevel.Warning, "queue is full"));

        await writer.DisposeAsync();

        Assert.Equal(10, writer.Written);
        Assert.Equal(10, File.ReadAllLines(CurrentFile).Length);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await writer.AppendAsync(Record(), default));
    }

    [Fact]
    public async Task A_failing_sink_faults_strict_appends_naming_the_file_and_the_writer_recovers()
    {
        // Root ignores permissions, so the directory is made impossible instead: its parent is a regular file.
        var blocker = Path.Combine(Root, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var directory = Path.Combine(blocker, "audit");
        await using var writer = Writer(jsonl: directory);

        var first = writer.AppendAsync(Record(), default).AsTask();
        await DriveAsync(first, TimeSpan.FromMilliseconds(250));

        var failure = await Assert.ThrowsAsync<AuditWriteException>(() => first);
        Assert.StartsWith(blocker, failure.Path);
        Assert.Contains(blocker, failure.Message);
        Assert.Equal(1, writer.Pending);
        Assert.True(Logger.Count(LogLevel.Error, "could not be written") > 0);

        File.Delete(blocker);
        var second = writer.AppendAsync(Record(), default).AsTask();
        await DriveAsync(second, TimeSpan.FromMilliseconds(250));
        await second;

        // The record whose append faulted stayed queued and went in first.
        Assert.Equal(2, writer.Written);
        Assert.Equal(0, writer.Pending);
        var result = AuditVerifier.Verify(Directory.GetFiles(directory, "*.jsonl"));
        Assert.True(result.Ok, result.Reason);
        Assert.Equal(2, result.Records);
        Assert.Equal(1, Logger.Count(LogLevel.Information, "recovered"));
    }

    [Fact]
    public async Task A_failing_database_keeps_the_batch_pending_without_writing_its_lines_twice()
    {
        // The database path's parent is a file: SQLite cannot open it until that file goes.
        var blocker = Path.Combine(Root, "data");
        await File.WriteAllTextAsync(blocker, "not a directory");
        await using var writer = Writer();

        var first = writer.AppendAsync(Record(), default).AsTask();
        await DriveAsync(first, TimeSpan.FromMilliseconds(250));
        var failure = await Assert.ThrowsAsync<AuditWriteException>(() => first);
        Assert.Equal(DatabasePath, failure.Path);

        File.Delete(blocker);
        var second = writer.AppendAsync(Record(), default).AsTask();
        await DriveAsync(second, TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, File.ReadAllLines(CurrentFile).Length);
        Assert.True(AuditVerifier.Verify(JsonlFiles()).Ok);
        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(), default)).Count);
    }

    [Fact]
    public async Task On_start_the_database_catches_up_with_records_only_the_file_has()
    {
        await WriteAsync(2);
        // As if the gateway stopped after the JSONL write and before the database commit.
        await using (var fileOnly = Writer(sqlite: null))
        {
            await fileOnly.AppendAsync(Record(), default);
        }

        await WriteAsync(1);

        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        var stored = await store.QueryAsync(new AuditQuery(), default);
        Assert.Equal(4, stored.Count);
        Assert.Equal(4, stored.Select(r => r.Id).Distinct().Count());
        Assert.Equal(1, Logger.Count(LogLevel.Warning, "lacked the last records"));
        Assert.True(AuditVerifier.Verify(JsonlFiles()).Ok);
    }

    [Fact]
    public async Task Dispose_commits_everything_queued()
    {
        var writer = Writer(AuditDurability.Batched);
        for (var i = 0; i < 25; i++)
        {
            await writer.AppendAsync(Record(), default);
        }

        await writer.DisposeAsync();

        Assert.Equal(25, writer.Written);
        Assert.Equal(25, AuditVerifier.Verify(JsonlFiles()).Records);
    }

    [Fact]
    public async Task With_only_a_database_the_chain_continues_from_its_newest_record()
    {
        await using (var writer = Writer(jsonl: null))
        {
            await writer.AppendAsync(Record(), default);
        }

        await using (var writer = Writer(jsonl: null))
        {
            await writer.AppendAsync(Record(), default);
        }

        using var store = SqliteAuditStore.OpenExisting(DatabasePath);
        var records = await store.QueryAsync(new AuditQuery(), default);
        Assert.Equal(AuditJson.GenesisHash, records[1].PrevHash);
        Assert.Equal(records[1].Hash, records[0].PrevHash);
        Assert.Equal(AuditJson.ComputeHash(records[0]), records[0].Hash);
    }

    [Fact]
    public async Task A_record_that_cannot_be_serialized_is_dropped_alone()
    {
        await using var writer = Writer();

        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.AppendAsync(Record() with { LatencyMs = double.NaN }, default));
        await writer.AppendAsync(Record(), default);

        Assert.Equal(1, writer.Dropped);
        Assert.Equal(1, writer.Written);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5);
        }
    }
}
