using LightFabric.Governance.Audit;

namespace LightFabric.Gateway.Handlers.Audit;

/// <summary>audit.yml checked: where records go and how durable an answer waits for them to be.</summary>
public sealed record AuditSettings(bool Enabled, AuditWriterOptions Writer, bool IncludeArguments);

/// <summary>Checks audit.yml; a value with a problem is reported with its key and left at its default.</summary>
public static class AuditConfigValidator
{
    public const string DefaultDirectory = "audit";
    public const string DefaultSqlitePath = "data/audit.db";

    public static AuditSettings Settings(AuditConfig config, Action<string, string> problem)
    {
        var durability = config.Durability?.Trim().ToLowerInvariant() is { Length: > 0 } written ? written : "batched";
        if (durability is not ("batched" or "strict"))
        {
            problem("durability", $"'{config.Durability}' must be batched (records committed every flushIntervalMs) or strict (an answer waits until its record is on disk)");
        }

        if (config.Enabled && !config.Jsonl && !config.Sqlite)
        {
            problem("jsonl", "both sinks are off (jsonl: false, sqlite: false): turn one on, or set enabled: false");
        }

        var flush = Positive(config.FlushIntervalMs, "flushIntervalMs", 100, 60_000, problem);
        var capacity = Positive(config.Capacity, "capacity", AuditWriterOptions.DefaultCapacity, 10_000_000, problem);
        var strictTimeout = Positive(config.StrictTimeoutMs, "strictTimeoutMs", 5_000, 600_000, problem);
        var options = new AuditWriterOptions(
            config.Jsonl ? FullPath(config.Directory, DefaultDirectory, "directory", problem) : null,
            config.Sqlite ? FullPath(config.SqlitePath, DefaultSqlitePath, "sqlitePath", problem) : null,
            durability == "strict" ? AuditDurability.Strict : AuditDurability.Batched,
            TimeSpan.FromMilliseconds(flush),
            (int)capacity)
        {
            StrictTimeout = TimeSpan.FromMilliseconds(strictTimeout),
        };
        return new AuditSettings(config.Enabled, options, config.IncludeArguments);
    }

    private static string? FullPath(string? written, string fallback, string key, Action<string, string> problem)
    {
        var path = written?.Trim() is { Length: > 0 } text ? text : fallback;
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem(key, $"'{path}' is not a path: {ex.Message}");
            return null;
        }
    }

    private static long Positive(long? written, string key, long fallback, long max, Action<string, string> problem)
    {
        if (written is not { } value)
        {
            return fallback;
        }

        if (value <= 0 || value > max)
        {
            problem(key, $"'{value}' must be between 1 and {max}");
            return fallback;
        }

        return value;
    }
}
