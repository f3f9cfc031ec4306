using LightFabric.Governance.Calls;

namespace LightFabric.Governance.Budgets;

/// <summary>
/// The budget as a step of the call pipeline: reserves the call's cost before the upstream is called and settles after
/// (a call the upstream never received is refunded). A tools/call costs its tool's cost, an HTTP request its route's;
/// resources, prompts and completions are free.
/// </summary>
public sealed class BudgetStep(BudgetPolicy policy, BudgetSubject subject, bool receipts) : ICallStep
{
    public const string Name = "budget";

    /// <summary>What a refused caller is told; fixed, so it never echoes arguments.</summary>
    public const string ExhaustedMessage = "Budget exhausted";

    public string Policy => Name;

    public BudgetPolicy Budget { get; } = policy;

    public BudgetSubject Subject { get; } = subject;

    public async ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken)
    {
        var payer = Subject.Of(call.Caller);
        call.Subject = payer;
        var requestKey = payer is null || call.RequestId is null ? null : BudgetSubjects.RequestKey(payer, call.Target, call.RequestId);
        var decision = await Budget.ReserveAsync(payer, CostOf(call), requestKey, cancellationToken).ConfigureAwait(false);
        call.SetState(this, decision);
        call.Cost = decision.Cost;
        if (decision.Outcome != BudgetOutcome.Free)
        {
            call.Remaining = decision.Remaining;
            if (receipts)
            {
                call.Receipt = new CallReceipt(decision.Cost, decision.Remaining);
            }
        }

        return new StepDecision(Name, decision.Allowed, decision.Name, Budget.Settings.Mode, decision.Code,
            decision.Allowed ? null : ExhaustedMessage);
    }

    public async ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken)
    {
        if (call.GetState<BudgetDecision>(this) is not { Reservation: not null } decision)
        {
            return;
        }

        var settled = await Budget.SettleAsync(decision, call.UpstreamReceived, cancellationToken).ConfigureAwait(false);
        if (settled.Reservation is null)
        {
            // Refunded: the call cost nothing.
            call.Cost = 0;
            call.Remaining = settled.Remaining;
            call.Receipt = call.Receipt is null ? null : new CallReceipt(0, settled.Remaining);
        }
    }

    private long CostOf(CallContext call) => call.Kind switch
    {
        CallKind.Http => Budget.Settings.CostOfRoute(call.Method, call.Target),
        _ when call.Method == "tools/call" => Budget.Settings.Costs.CostOf(call.Target),
        _ => 0,
    };
}
