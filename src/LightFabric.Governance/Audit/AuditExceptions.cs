namespace LightFabric.Governance.Audit;

/// <summary>An audit sink could not take records: the message and <see cref="Path"/> name the file.</summary>
public sealed class AuditWriteException(string path, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The JSONL file, its directory or the SQLite database that failed.</summary>
    public string Path { get; } = path;
}

/// <summary>The audit database could not be read (missing, not a database, locked for too long).</summary>
public sealed class AuditStoreException(string path, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string Path { get; } = path;
}
