using LightFabric.Governance;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Governance.Tests.Calls;

public sealed class CallPipelineTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    private CallContext Call(string tool = "search", string? subject = "tok", string? requestKey = null) =>
        new(CallKind.Mcp, "tools/call", tool, Caller(subject), _clock.GetUtcNow()) { RequestId = requestKey };

    private static CallCaller Caller(string? clientId) =>
        clientId is null ? CallCaller.Anonymous : new CallCaller("abc123abc123", true, new System.Text.Json.Nodes.JsonObject { ["client_id"] = clientId });

    [Fact]
    public async Task Steps_decide_in_order_and_leave_in_reverse_and_every_call_is_recorded()
    {
        var trace = new List<string>();
        var recorder = new Recorder();
        var pipeline = new CallPipeline([new Step("a", trace), new Step("b", trace)], [recorder], _clock);

        var answer = await pipeline.RunAsync(Call(), (call, _) => { trace.Add("invoke"); return ValueTask.FromResult(42); },
            _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default);

        Assert.Equal(42, answer);
        Assert.Equal(["enter a", "enter b", "invoke", "leave b", "leave a"], trace);
        var recorded = Assert.Single(recorder.Calls);
        Assert.Equal(["a", "b"], recorded.Decisions.Select(d => d.Policy));
        Assert.Equal(CallOutcome.Ok, recorded.Outcome);
    }

    [Fact]
    public async Task A_refusal_in_control_mode_stops_the_call_and_only_the_steps_before_it_leave()
    {
        var trace = new List<string>();
        var recorder = new Recorder();
        var pipeline = new CallPipeline([new Step("a", trace), new Step("deny", trace, deny: true), new Step("c", trace)], [recorder], _clock);
        var invoked = false;

        var denied = await Assert.ThrowsAsync<CallDeniedException>(async () => await pipeline.RunAsync(Call(),
            (_, _) => { invoked = true; return ValueTask.FromResult(0); }, _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default));

        Assert.False(invoked);
        Assert.Equal("deny", denied.Decision.Policy);
        Assert.Equal(["enter a", "enter deny", "leave a"], trace);
        var recorded = Assert.Single(recorder.Calls);
        Assert.Equal(CallOutcome.Denied, recorded.Outcome);
        Assert.False(recorded.UpstreamReceived);
        Assert.Same(denied.Decision, recorded.Denial);
    }

    [Fact]
    public async Task A_refusal_in_observe_mode_is_recorded_as_would_deny_and_the_call_goes_on()
    {
        var trace = new List<string>();
        var recorder = new Recorder();
        var pipeline = new CallPipeline([new Step("deny", trace, deny: true, mode: EnforcementMode.Observe)], [recorder], _clock);

        await pipeline.RunAsync(Call(), (_, _) => ValueTask.FromResult(1), _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default);

        var decision = Assert.Single(Assert.Single(recorder.Calls).Decisions);
        Assert.True(decision.Allowed);
        Assert.Equal("would-deny", decision.Decision);
        Assert.Equal(["enter deny", "leave deny"], trace);
    }

    [Fact]
    public async Task A_failed_invocation_is_classified_recorded_and_rethrown()
    {
        var recorder = new Recorder();
        var pipeline = new CallPipeline([], [recorder], _clock);

        await Assert.ThrowsAsync<TimeoutException>(async () => await pipeline.RunAsync<int>(Call(), (_, _) => throw new TimeoutException(),
            _ => CallOutcome.Ok, ex => ex is TimeoutException ? CallOutcome.Timeout : CallOutcome.UpstreamError, default));

        Assert.Equal(CallOutcome.Timeout, Assert.Single(recorder.Calls).Outcome);
    }

    [Fact]
    public async Task The_budget_step_charges_a_received_call_and_refunds_one_the_upstream_never_received()
    {
        var ledger = new MemoryBudgetLedger(_clock);
        var budget = new BudgetStep(new BudgetPolicy(new BudgetSettings
        {
            Costs = new CostTable(1, new Dictionary<string, long> { ["search"] = 4 }),
            DefaultLimit = 10,
        }, ledger), BudgetSubject.Auto, receipts: true);
        var pipeline = new CallPipeline([budget], [], _clock);

        var charged = Call(requestKey: "r1");
        await pipeline.RunAsync(charged, (_, _) => ValueTask.FromResult(1), _ => CallOutcome.ToolError, _ => CallOutcome.UpstreamError, default);
        Assert.Equal(new CallReceipt(4, 6), charged.Receipt);
        Assert.Equal("charged", Assert.Single(charged.Decisions).Decision);

        var refused = Call(requestKey: "r2");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.RunAsync<int>(refused,
            (call, _) => { call.UpstreamReceived = false; throw new InvalidOperationException("down"); },
            _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default));
        Assert.Equal(0, refused.Cost);
        Assert.Equal(6, refused.Remaining);
        Assert.Equal(6, await ledger.RemainingAsync(new BudgetAccount("tok", 10, BudgetPeriod.Total), default));

        var http = new CallContext(CallKind.Http, "GET", "/api/x", Caller("tok"), _clock.GetUtcNow());
        await pipeline.RunAsync(http, (_, _) => ValueTask.FromResult(1), _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default);
        Assert.Equal(1, http.Cost);
    }

    [Fact]
    public async Task The_budget_step_refuses_an_over_budget_call_with_its_cost_and_what_is_left()
    {
        var budget = new BudgetStep(new BudgetPolicy(new BudgetSettings
        {
            Costs = new CostTable(1, new Dictionary<string, long> { ["search"] = 4 }),
            DefaultLimit = 6,
        }, new MemoryBudgetLedger(_clock)), BudgetSubject.Auto, receipts: false);
        var pipeline = new CallPipeline([budget], [], _clock);
        await pipeline.RunAsync(Call(), (_, _) => ValueTask.FromResult(1), _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default);

        var over = Call();
        var denied = await Assert.ThrowsAsync<CallDeniedException>(async () =>
            await pipeline.RunAsync(over, (_, _) => ValueTask.FromResult(1), _ => CallOutcome.Ok, _ => CallOutcome.UpstreamError, default));

        Assert.Equal(BudgetPolicy.Insufficient, denied.Decision.Code);
        Assert.Equal("Budget exhausted", denied.Decision.Reason);
        Assert.Equal(4, over.Cost);
        Assert.Equal(2, over.Remaining);
        Assert.Null(over.Receipt);
    }

    private sealed class Step(string name, List<string> trace, bool deny = false, EnforcementMode mode = EnforcementMode.Control) : ICallStep
    {
        public string Policy => name;

        public ValueTask<StepDecision> EnterAsync(CallContext call, CancellationToken cancellationToken)
        {
            trace.Add($"enter {name}");
            return ValueTask.FromResult(deny ? StepDecision.Deny(name, "no", "refused", mode: mode) : StepDecision.Allow(name, mode));
        }

        public ValueTask LeaveAsync(CallContext call, CancellationToken cancellationToken)
        {
            trace.Add($"leave {name}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Recorder : ICallRecorder
    {
        public List<CallContext> Calls { get; } = [];

        public ValueTask RecordAsync(CallContext call, CancellationToken cancellationToken)
        {
            Calls.Add(call);
            return ValueTask.CompletedTask;
        }
    }
}
