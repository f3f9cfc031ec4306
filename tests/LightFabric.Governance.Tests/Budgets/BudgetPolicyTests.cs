using LightFabric.Governance;
using LightFabric.Governance.Budgets;

namespace LightFabric.Governance.Tests.Budgets;

public sealed class BudgetPolicyTests
{
    private static BudgetPolicy Policy(EnforcementMode mode, IBudgetLedger? ledger = null, BudgetFailMode failMode = BudgetFailMode.Closed) => new(
        new BudgetSettings
        {
            Mode = mode,
            FailMode = failMode,
            Costs = new CostTable(1, new Dictionary<string, long> { ["search"] = 5, ["free_*"] = 0 }),
            Limits = new Dictionary<string, BudgetLimit> { ["tok"] = new("tok", 10) },
        },
        ledger ?? new MemoryBudgetLedger());

    [Fact]
    public async Task Control_charges_until_exhausted_then_refuses_with_the_code_cost_and_remaining()
    {
        var policy = Policy(EnforcementMode.Control);

        var decisions = new List<BudgetDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await policy.ReserveAsync("tok", "search", null, default));
        }

        Assert.Equal([BudgetOutcome.Charged, BudgetOutcome.Charged, BudgetOutcome.Denied], decisions.Select(d => d.Outcome));
        Assert.Equal([5L, 0L, 0L], decisions.Select(d => d.Remaining));
        Assert.Equal((false, BudgetPolicy.Exhausted, 5L), (decisions[2].Allowed, decisions[2].Code, decisions[2].Cost));
    }

    [Fact]
    public async Task Soft_lets_an_over_budget_call_through_uncharged_and_says_so()
    {
        var ledger = new MemoryBudgetLedger();
        var policy = Policy(EnforcementMode.Soft, ledger);
        await policy.ReserveAsync("tok", "search", null, default);
        await policy.ReserveAsync("tok", "other", null, default);

        var over = await policy.ReserveAsync("tok", "search", null, default);

        Assert.Equal((BudgetOutcome.SoftOver, true, BudgetPolicy.Insufficient, 4L), (over.Outcome, over.Allowed, over.Code, over.Remaining));
        Assert.Equal("soft-over", over.Name);
        Assert.Equal(4, await ledger.RemainingAsync(new BudgetAccount("tok", 10), default));
    }

    [Fact]
    public async Task Observe_never_changes_a_balance_and_tells_what_control_would_have_refused()
    {
        var ledger = new MemoryBudgetLedger();
        await ledger.ReserveAsync(new BudgetCharge(new BudgetAccount("tok", 10), 7, null), default);
        var policy = Policy(EnforcementMode.Observe, ledger);

        var cheap = await policy.ReserveAsync("tok", "other", null, default);
        var dear = await policy.ReserveAsync("tok", "search", null, default);

        Assert.Equal((BudgetOutcome.Observed, "shadow", 3L), (cheap.Outcome, cheap.Name, cheap.Remaining));
        Assert.Equal((BudgetOutcome.WouldDeny, true, BudgetPolicy.Insufficient), (dear.Outcome, dear.Allowed, dear.Code));
        Assert.Equal(3, await ledger.RemainingAsync(new BudgetAccount("tok", 10), default));
    }

    [Fact]
    public async Task Free_tools_and_callers_without_a_budget_never_reach_the_ledger()
    {
        var policy = Policy(EnforcementMode.Control, new UnreachableLedger());

        Assert.Equal(BudgetOutcome.Free, (await policy.ReserveAsync("tok", "free_lookup", null, default)).Outcome);
        var anonymous = await policy.ReserveAsync(null, "search", null, default);
        var unknown = await policy.ReserveAsync("someone-else", "search", null, default);

        Assert.Equal((BudgetOutcome.Unlimited, -1L, true), (anonymous.Outcome, anonymous.Remaining, anonymous.Allowed));
        Assert.Equal(BudgetOutcome.Unlimited, unknown.Outcome);
    }

    [Fact]
    public async Task A_failing_ledger_refuses_with_budget_error_when_closed_and_lets_through_when_open()
    {
        var closed = await Policy(EnforcementMode.Control, new UnreachableLedger()).ReserveAsync("tok", "search", null, default);
        var open = await Policy(EnforcementMode.Control, new UnreachableLedger(), BudgetFailMode.Open).ReserveAsync("tok", "search", null, default);

        Assert.Equal((BudgetOutcome.Denied, false, BudgetPolicy.LedgerError), (closed.Outcome, closed.Allowed, closed.Code));
        Assert.Equal((BudgetOutcome.LedgerFailedOpen, true, BudgetPolicy.LedgerError), (open.Outcome, open.Allowed, open.Code));
    }

    [Fact]
    public async Task A_call_the_upstream_never_received_is_refunded_and_one_it_received_stays_charged()
    {
        var ledger = new MemoryBudgetLedger();
        var policy = Policy(EnforcementMode.Control, ledger);
        var account = new BudgetAccount("tok", 10);

        var notSent = await policy.SettleAsync(await policy.ReserveAsync("tok", "search", "k1", default), upstreamReceived: false, default);
        Assert.Equal((BudgetOutcome.Free, 10L), (notSent.Outcome, notSent.Remaining));
        Assert.Equal(10, await ledger.RemainingAsync(account, default));

        var sent = await policy.SettleAsync(await policy.ReserveAsync("tok", "search", "k2", default), upstreamReceived: true, default);
        Assert.Equal((BudgetOutcome.Charged, 5L), (sent.Outcome, sent.Remaining));
        Assert.Equal(BudgetOutcome.Replayed, (await policy.ReserveAsync("tok", "search", "k2", default)).Outcome);
        Assert.Equal(5, await ledger.RemainingAsync(account, default));
    }

    [Fact]
    public void Mode_names_take_SatGate_aliases_and_request_keys_differ_per_subject_tool_and_id()
    {
        Assert.True(EnforcementModes.TryParse("HARD", out var hard) && hard == EnforcementMode.Control);
        Assert.True(EnforcementModes.TryParse("shadow", out var shadow) && shadow == EnforcementMode.Observe);
        Assert.False(EnforcementModes.TryParse("strict", out _));

        Assert.Equal(12, BudgetSubjects.TokenId("secret-token").Length);
        Assert.NotEqual(BudgetSubjects.RequestKey("a", "t", "1"), BudgetSubjects.RequestKey("a", "t", "2"));
        Assert.NotEqual(BudgetSubjects.RequestKey("a", "t1", "1"), BudgetSubjects.RequestKey("a", "t", "11"));
        Assert.Equal(BudgetSubjects.RequestKey("a", "t", "1"), BudgetSubjects.RequestKey("a", "t", "1"));
    }

    /// <summary>A ledger whose store is down.</summary>
    private sealed class UnreachableLedger : IBudgetLedger
    {
        public ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken) => throw new BudgetLedgerException("down");

        public ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken) => throw new BudgetLedgerException("down");

        public ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken) => throw new BudgetLedgerException("down");
    }
}
