namespace LightFabric.Governance.Audit;

/// <summary>Which records <see cref="SqliteAuditStore.QueryAsync"/> returns, newest first. Null filters match all.</summary>
public sealed record AuditQuery
{
    /// <summary>Records at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    public string? Subject { get; init; }

    /// <summary>The tool name or route path (<see cref="AuditRecord.Target"/>).</summary>
    public string? Target { get; init; }

    /// <summary>Records any of whose decisions is this ("denied", "would-deny"...); "denied" also matches records whose
    /// outcome is denied.</summary>
    public string? Decision { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>A query for the last <paramref name="window"/> by <paramref name="time"/>'s clock.</summary>
    public static AuditQuery Last(TimeSpan window, TimeProvider? time = null) =>
        new() { Since = (time ?? TimeProvider.System).GetUtcNow() - window };
}

/// <summary>
/// What each policy decided per target and subject since <see cref="Since"/>: what an operator reads before switching a
/// policy from observe to control (its would-deny count is what control would have denied).
/// </summary>
public sealed record AuditReport(DateTimeOffset Since, IReadOnlyList<AuditReportRow> Rows);

/// <summary>One policy × target × subject. <see cref="Calls"/> counts the calls the policy decided on; <see cref="Cost"/>
/// adds up their cost.</summary>
public sealed record AuditReportRow(
    string Policy, string Target, string? Subject, long Calls, long Allowed, long Denied, long WouldDeny, long SoftOver, long Cost);
