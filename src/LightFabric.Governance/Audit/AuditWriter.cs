using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Governance.Audit;

/// <summary>
/// The audit trail's one entry point: records are queued, and a single background loop chains them (assigns
/// <see cref="AuditRecord.PrevHash"/> and <see cref="AuditRecord.Hash"/> in the order the lines are written) and
/// group-commits each batch: the JSONL lines (fsynced in <see cref="AuditDurability.Strict"/>), then one SQLite
/// transaction. A failing sink never stops the loop: the batch stays pending and is retried with backoff.
/// </summary>
public sealed class AuditWriter : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromSeconds(1);

    private readonly AuditWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Entry> _queue;
    private readonly JsonlAuditFile? _file;
    private readonly SqliteAuditStore? _store;
    private readonly bool _strict;
    private readonly Task _loop;
    private TaskCompletionSource? _wake;
    private bool _caughtUp;
    private AuditRecord? _lastOnOpen;
    private string? _head;
    private long _written;
    private long _dropped;
    private long _batches;
    private int _pending;
    private long _lastDropWarning;
    private volatile bool _disposing;
    private DateTimeOffset _disposeStarted;

    public AuditWriter(AuditWriterOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.JsonlDirectory is null && options.SqlitePath is null)
        {
            throw new ArgumentException("The audit writer needs a JSONL directory, a SQLite path, or both.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FlushInterval, TimeSpan.Zero);
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _strict = options.Durability == AuditDurability.Strict;
        _file = options.JsonlDirectory is { } directory ? new JsonlAuditFile(directory, _time, _logger) : null;
        _store = options.SqlitePath is { } path ? new SqliteAuditStore(path) : null;
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>What the writer was opened with.</summary>
    public AuditWriterOptions Options => _options;

    /// <summary>Records committed to every configured sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records a batched writer dropped because its queue was full (each also counted in a logged warning).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Same as <see cref="Dropped"/>.</summary>
    public long DroppedCount => Dropped;

    /// <summary>Records accepted but not yet committed.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Batches committed: in strict mode, how many fsyncs the <see cref="Written"/> records shared.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// Hands a record to the trail. <see cref="AuditDurability.Batched"/>: returns once queued (or counted as dropped
    /// when the queue is full). <see cref="AuditDurability.Strict"/>: returns once the record is durable in every sink,
    /// waits for room when the queue is full, and faults with <see cref="AuditWriteException"/> when the sinks have
    /// failed for <see cref="AuditWriterOptions.StrictTimeout"/>. The record's PrevHash and Hash are replaced.
    /// </summary>
    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposing, this);
        if (!_strict)
        {
            Interlocked.Increment(ref _pending);
            if (!_queue.Writer.TryWrite(new Entry(record, null, _time.GetUtcNow())))
            {
                Interlocked.Decrement(ref _pending);
                CountDropped();
            }
            else if (_queue.Reader.Count >= _options.MaxBatch)
            {
                Volatile.Read(ref _wake)?.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }

        return AppendStrictAsync(record, cancellationToken);
    }

    /// <summary>Commits everything queued (retrying a failing sink for up to <see cref="AuditWriterOptions.StrictTimeout"/>,
    /// then logging what is lost) and releases the files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        _disposeStarted = _time.GetUtcNow();
        _disposing = true;
        _queue.Writer.TryComplete();
        Volatile.Read(ref _wake)?.TrySetResult();
        await _loop.ConfigureAwait(false);
        _file?.Dispose();
        _store?.Dispose();
    }

    private async ValueTask AppendStrictAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var entry = new Entry(record, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), _time.GetUtcNow());
        Interlocked.Increment(ref _pending);
        try
        {
            await _queue.Writer.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            Interlocked.Decrement(ref _pending);
            throw new ObjectDisposedException(nameof(AuditWriter));
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }

        // Cancelling stops the wait, not the write: the record is queued and will be committed.
        await entry.Done!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void CountDropped()
    {
        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastDropWarning);
        if ((last == 0 || now - last >= DropWarningInterval.Ticks) && Interlocked.CompareExchange(ref _lastDropWarning, now, last) == last)
        {
            AuditLog.Dropped(_logger, dropped);
        }
    }

    private async Task RunAsync()
    {
        var pending = new List<Entry>();
        var failures = 0;
        while (true)
        {
            if (pending.Count == 0)
            {
                if (!await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                if (!_strict)
                {
                    await WaitForBatchAsync().ConfigureAwait(false);
                }
            }

            while (pending.Count < _options.MaxBatch && _queue.Reader.TryRead(out var entry))
            {
                pending.Add(entry);
            }

            if (pending.Count == 0)
            {
                continue;
            }

            try
            {
                await CommitAsync(pending).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failures++;
                var delay = TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << Math.Min(failures - 1, 16), _options.MaxRetryDelay.Ticks));
                AuditLog.SinkFailed(_logger, ex, pending.Count, delay.TotalMilliseconds);
                var now = _time.GetUtcNow();
                FaultWaiting(pending, ex, e => now - e.Queued >= _options.StrictTimeout);
                if (_disposing && now - _disposeStarted >= _options.StrictTimeout)
                {
                    GiveUp(pending, ex);
                    return;
                }

                await Task.Delay(delay, _time).ConfigureAwait(false);
                continue;
            }

            if (failures > 0)
            {
                AuditLog.SinkRecovered(_logger, pending.Count);
                failures = 0;
            }

            Interlocked.Add(ref _written, pending.Count);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _pending, -pending.Count);
            foreach (var entry in pending)
            {
                entry.Done?.TrySetResult();
            }

            pending.Clear();
        }
    }

    // Batched: let records gather for one flush interval, unless a batch is already full or the writer is closing.
    private async Task WaitForBatchAsync()
    {
        if (_disposing || _queue.Reader.Count >= _options.MaxBatch)
        {
            return;
        }

        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _wake, wake);
        if (_disposing || _queue.Reader.Count >= _options.MaxBatch)
        {
            return;
        }

        using var stop = new CancellationTokenSource();
        var interval = Task.Delay(_options.FlushInterval, _time, stop.Token);
        await Task.WhenAny(interval, wake.Task).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private async Task CommitAsync(List<Entry> pending)
    {
        if (_file is not null)
        {
            if (!_file.IsOpen)
            {
                Reopen(pending);
            }

            var unwritten = pending.Where(e => !e.InFile).ToList();
            Seal(unwritten, pending);
            if (unwritten.Count > 0)
            {
                _file.Append(unwritten.Select(e => (ReadOnlyMemory<byte>)e.Line!).ToList(), durable: _strict);
                foreach (var entry in unwritten)
                {
                    entry.InFile = true;
                }
            }
        }
        else
        {
            _head ??= await _store!.LastHashAsync(CancellationToken.None).ConfigureAwait(false) ?? AuditJson.GenesisHash;
            Seal(pending.Where(e => e.Sealed is null).ToList(), pending);
        }

        if (_store is not null && !_caughtUp)
        {
            await CatchUpAsync().ConfigureAwait(false);
        }

        if (_store is not null)
        {
            var unstored = pending.Where(e => !e.InDb).ToList();
            if (unstored.Count > 0)
            {
                await _store.InsertAsync(unstored.Select(e => (e.Sealed!, e.Line!)).ToList(), _strict, CancellationToken.None).ConfigureAwait(false);
                foreach (var entry in unstored)
                {
                    entry.InDb = true;
                }
            }
        }
    }

    // A crash between the JSONL write and the SQLite commit leaves the database short of the file's last batch, which
    // is in the file the chain continues from: on start, if the database lacks that file's last record, the file's
    // records are inserted (ids already stored are skipped).
    private async Task CatchUpAsync()
    {
        if (_file?.LastRecordFile is { } path && _lastOnOpen is { } last
            && !await _store!.ContainsAsync(last.Id, CancellationToken.None).ConfigureAwait(false))
        {
            var batch = new List<(AuditRecord, byte[])>();
            try
            {
                foreach (var line in JsonlLines.Read(path))
                {
                    if (line.Terminated)
                    {
                        var bytes = line.Bytes.ToArray();
                        batch.Add((AuditJson.Deserialize(bytes), bytes));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                throw new AuditWriteException(path, $"The audit file {path} could not be read to fill in the database: {ex.Message}", ex);
            }

            foreach (var chunk in batch.Chunk(_options.MaxBatch))
            {
                await _store.InsertAsync(chunk, _strict, CancellationToken.None).ConfigureAwait(false);
            }

            AuditLog.CaughtUp(_logger, _store.Path, batch.Count, path);
        }

        _caughtUp = true;
    }

    // After a start or a failed write: the chain continues from the file's last whole record. If a failed write still
    // left some of the batch in the file, those records are kept as written and the rest is chained after them.
    private void Reopen(List<Entry> pending)
    {
        var last = _file!.Open();
        if (!_caughtUp)
        {
            _lastOnOpen = last;
        }

        _head = last?.Hash ?? AuditJson.GenesisHash;
        var written = last is null ? -1 : pending.FindIndex(e => !e.InFile && e.Sealed?.Id == last.Id && e.Sealed.Hash == last.Hash);
        for (var i = 0; i < pending.Count; i++)
        {
            if (i <= written)
            {
                pending[i].InFile = true;
            }
            else if (!pending[i].InFile)
            {
                pending[i].Sealed = null;
                pending[i].Line = null;
            }
        }
    }

    // A record that cannot be serialized (a NaN latency, say) would fail every retry of its batch: it is taken out,
    // counted as dropped and logged, and its append faults.
    private void Seal(List<Entry> entries, List<Entry> pending)
    {
        foreach (var entry in entries)
        {
            try
            {
                (entry.Sealed, entry.Line, _head) = AuditJson.Seal(entry.Record, _head!);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException)
            {
                AuditLog.Rejected(_logger, ex, entry.Record.Id);
                entry.Rejected = true;
                pending.Remove(entry);
                Interlocked.Decrement(ref _pending);
                Interlocked.Increment(ref _dropped);
                entry.Done?.TrySetException(new ArgumentException($"The audit record {entry.Record.Id} cannot be serialized: {ex.Message}", ex));
            }
        }

        entries.RemoveAll(e => e.Rejected);
    }

    private static void FaultWaiting(List<Entry> entries, Exception failure, Func<Entry, bool> due)
    {
        foreach (var entry in entries)
        {
            if (entry.Done is { Task.IsCompleted: false } done && due(entry))
            {
                done.TrySetException(failure is AuditWriteException write
                    ? new AuditWriteException(write.Path, write.Message, write)
                    : new AuditWriteException(string.Empty, $"Audit records could not be written: {failure.Message}", failure));
            }
        }
    }

    private void GiveUp(List<Entry> pending, Exception failure)
    {
        while (_queue.Reader.TryRead(out var entry))
        {
            pending.Add(entry);
        }

        FaultWaiting(pending, failure, _ => true);
        AuditLog.Lost(_logger, failure, pending.Count);
        Interlocked.Add(ref _pending, -pending.Count);
        pending.Clear();
    }

    private sealed class Entry(AuditRecord record, TaskCompletionSource? done, DateTimeOffset queued)
    {
        public AuditRecord Record { get; } = record;

        public TaskCompletionSource? Done { get; } = done;

        public DateTimeOffset Queued { get; } = queued;

        public AuditRecord? Sealed { get; set; }

        public byte[]? Line { get; set; }

        public bool InFile { get; set; }

        public bool InDb { get; set; }

        public bool Rejected { get; set; }
    }
}
