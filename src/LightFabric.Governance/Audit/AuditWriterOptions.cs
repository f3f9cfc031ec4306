namespace LightFabric.Governance.Audit;

/// <summary>When <see cref="AuditWriter.AppendAsync"/> returns.</summary>
public enum AuditDurability
{
    /// <summary>Once queued; the writer commits every flush interval or when a batch is full. A full queue drops the
    /// record (counted and logged), it never blocks the call.</summary>
    Batched,

    /// <summary>Once the record is fsynced to the JSONL file and committed to SQLite; concurrent appends share one
    /// fsync. A full queue makes the append wait.</summary>
    Strict,
}

/// <summary>Where and how <see cref="AuditWriter"/> writes. At least one of the two sinks must be set.</summary>
/// <param name="JsonlDirectory">Directory of <c>audit.jsonl</c> and its rotated files; null for no JSONL.</param>
/// <param name="SqlitePath">The SQLite database (e.g. data/audit.db); null for no database.</param>
/// <param name="FlushInterval">Batched: how long records may wait before they are committed (default 100 ms).</param>
/// <param name="Capacity">Records the queue holds before batched appends drop and strict ones wait.</param>
public sealed record AuditWriterOptions(
    string? JsonlDirectory,
    string? SqlitePath,
    AuditDurability Durability = AuditDurability.Batched,
    TimeSpan FlushInterval = default,
    int Capacity = AuditWriterOptions.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan DefaultStrictTimeout = TimeSpan.FromSeconds(5);

    // default(TimeSpan) is the only constant a TimeSpan parameter can default to; it stands for the default interval.
    public TimeSpan FlushInterval { get; init; } = FlushInterval == default ? DefaultFlushInterval : FlushInterval;

    /// <summary>Strict: how long an append waits while the sinks fail before it faults with
    /// <see cref="AuditWriteException"/> (the record stays queued and is written once they recover).</summary>
    public TimeSpan StrictTimeout { get; init; } = DefaultStrictTimeout;

    /// <summary>Most records committed in one batch; a batched writer also commits early once this many are queued.</summary>
    public int MaxBatch { get; init; } = 1000;

    /// <summary>Longest wait between two tries while a sink fails (the wait doubles from 100 ms up to this).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
