namespace LightFabric.Gateway.Handlers.Audit;

/// <summary>audit.yml as written; <see cref="AuditConfigValidator"/> checks it.</summary>
public sealed record AuditConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>The hash-chained JSONL files.</summary>
    public bool Jsonl { get; init; } = true;

    public string? Directory { get; init; }

    /// <summary>The SQLite table that queries and reports read.</summary>
    public bool Sqlite { get; init; } = true;

    public string? SqlitePath { get; init; }

    /// <summary>batched or strict.</summary>
    public string? Durability { get; init; }

    public long? FlushIntervalMs { get; init; }

    public long? Capacity { get; init; }

    public long? StrictTimeoutMs { get; init; }

    public bool IncludeArguments { get; init; }
}
