namespace LightFabric.Governance.Calls;

/// <summary>
/// A policy of the call pipeline. <see cref="EnterAsync"/> runs before the upstream is called and decides; when it
/// allowed the call, <see cref="LeaveAsync"/> runs after the call ended however it ended (a budget settles there).
/// A step keeps what it needs between the two in the call (<see cref="CallContext.SetState"/>).
/// </summary>
public interface ICallStep
{
    string Policy { get; }

    ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken);

    ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken);
}

/// <summary>What receives every governed call once it ended, denied ones included (the audit trail).</summary>
public interface ICallRecorder
{
    /// <summary>Completes when the record is as durable as the recorder promises; the answer waits for it.</summary>
    ValueTask RecordAsync(CallContext call, CancellationToken cancellationToken);
}
