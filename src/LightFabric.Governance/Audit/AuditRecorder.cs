using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;

namespace LightFabric.Governance.Audit;

/// <summary>Where the audit records of a gateway come from: its service id and instance.</summary>
public sealed record AuditSource(string? ServiceId, string? Instance, string? ConfigVersion = null);

/// <summary>
/// The audit trail as a recorder of the call pipeline: every governed call, denied ones included, becomes one
/// <see cref="AuditRecord"/> — never the arguments unless <paramref name="includeArguments"/>, and then as the upstream
/// received them (masked values masked); always their SHA-256.
/// </summary>
public sealed class AuditRecorder(AuditWriter writer, AuditSource source, bool includeArguments) : ICallRecorder
{
    public AuditWriter Writer { get; } = writer;

    public ValueTask RecordAsync(CallContext call, CancellationToken cancellationToken) => Writer.AppendAsync(RecordOf(call), cancellationToken);

    public AuditRecord RecordOf(CallContext call)
    {
        var caller = call.Caller;
        var decisions = new AuditDecision[call.Decisions.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            var d = call.Decisions[i];
            decisions[i] = new AuditDecision(d.Policy, d.Decision, EnforcementModes.Name(d.Mode), d.Code, d.Allowed ? null : d.Reason);
        }

        var arguments = call.Arguments?.ToJsonString();
        return new AuditRecord
        {
            Id = call.Id,
            Time = call.Started,
            ServiceId = source.ServiceId,
            Instance = source.Instance,
            CorrelationId = call.CorrelationId,
            TraceId = call.TraceId ?? Activity.Current?.TraceId.ToHexString(),
            Kind = call.Kind == CallKind.Mcp ? "mcp" : "http",
            Method = call.Method,
            Target = call.Target,
            Upstream = call.Upstream,
            Subject = call.Subject ?? BudgetSubject.Auto.Of(caller),
            TokenId = caller.TokenId,
            PrincipalSub = caller.Sub,
            PrincipalClientId = caller.ClientId,
            Decisions = decisions,
            Cost = call.Cost,
            Remaining = call.Remaining,
            Outcome = call.Outcome.Name(),
            LatencyMs = Math.Round(call.Elapsed.TotalMilliseconds, 3),
            ArgumentsDigest = arguments is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(arguments))),
            Arguments = includeArguments ? call.Arguments?.DeepClone() : null,
            ConfigVersion = source.ConfigVersion,
        };
    }
}
