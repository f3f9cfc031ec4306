using System.Text.Json.Nodes;

namespace LightFabric.Governance.Calls;

/// <summary>
/// One governed call from the policies' point of view: who calls what, what each policy decided, what it cost and how
/// it ended. Made by the layer that accepted the call (the MCP router, a proxy route), filled in by the pipeline and
/// its steps, read by the recorders. Belongs to one call; not shared between threads while the call runs.
/// </summary>
public sealed class CallContext
{
    private List<StepDecision>? _decisions;
    private List<KeyValuePair<ICallStep, object>>? _state;

    public CallContext(CallKind kind, string method, string target, CallCaller caller, DateTimeOffset started)
    {
        Kind = kind;
        Method = method;
        Target = target;
        Caller = caller;
        Started = started;
        Id = Guid.CreateVersion7(started).ToString();
    }

    /// <summary>UUIDv7: ordered by time.</summary>
    public string Id { get; }

    public CallKind Kind { get; }

    /// <summary>tools/call, resources/read, … or the HTTP method.</summary>
    public string Method { get; }

    /// <summary>The public tool name, the resource URI, the prompt name, or the route's path template.</summary>
    public string Target { get; }

    /// <summary>The upstream server or backend host; set once known.</summary>
    public string? Upstream { get; set; }

    public CallCaller Caller { get; }

    public DateTimeOffset Started { get; }

    /// <summary>
    /// Identifies a retry of the same request (an MCP session and JSON-RPC id): budgets charge it once. Null when a
    /// call has no such identity (HTTP requests).
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>The layer's own view of the call (the MCP request), for the steps of that layer.</summary>
    public object? Request { get; init; }

    public string? CorrelationId { get; init; }

    public string? TraceId { get; init; }

    /// <summary>The arguments as the upstream received them (masked values masked); set by the layer that invokes.</summary>
    public JsonObject? Arguments { get; set; }

    /// <summary>Who paid for the call (the budget's subject); set by the budget step.</summary>
    public string? Subject { get; set; }

    /// <summary>What the call was charged (or would have been); 0 when free.</summary>
    public long Cost { get; set; }

    /// <summary>Credits left after the call; null when no budget applied, -1 when unlimited.</summary>
    public long? Remaining { get; set; }

    /// <summary>Set when the caller is to be told what the call cost (the budget's receipts).</summary>
    public CallReceipt? Receipt { get; set; }

    /// <summary>False when the upstream never received the call (down, refused it, over its concurrency): budgets refund it.</summary>
    public bool UpstreamReceived { get; set; } = true;

    public CallOutcome Outcome { get; set; } = CallOutcome.Ok;

    public TimeSpan Elapsed { get; set; }

    public IReadOnlyList<StepDecision> Decisions => _decisions ?? (IReadOnlyList<StepDecision>)[];

    /// <summary>The refusal that stopped the call, if one did.</summary>
    public StepDecision? Denial { get; private set; }

    public void Record(StepDecision decision)
    {
        (_decisions ??= []).Add(decision);
        if (!decision.Allowed)
        {
            Denial ??= decision;
        }
    }

    public void SetState(ICallStep step, object state) => (_state ??= []).Add(KeyValuePair.Create(step, state));

    public T? GetState<T>(ICallStep step) where T : class
    {
        if (_state is not null)
        {
            foreach (var (owner, value) in _state)
            {
                if (ReferenceEquals(owner, step))
                {
                    return value as T;
                }
            }
        }

        return null;
    }
}

/// <summary>What the caller is told a call cost; <see cref="Remaining"/> -1 when unlimited.</summary>
public sealed record CallReceipt(long Cost, long Remaining);
