using LightFabric.Governance.Budgets;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Governance.Tests.Budgets;

/// <summary>What every ledger must do; each ledger's test class runs these against its own instance.</summary>
public abstract class BudgetLedgerContract
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    protected abstract IBudgetLedger CreateLedger();

    [Fact]
    public async Task Charges_until_the_limit_then_refuses_without_changing_the_balance()
    {
        var ledger = CreateLedger();
        var account = new BudgetAccount("tok-a", 10);

        var first = await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default);
        var second = await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default);
        var third = await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default);

        Assert.Equal((ReservationStatus.Reserved, 5L), (first.Status, first.Remaining));
        Assert.Equal((ReservationStatus.Reserved, 0L), (second.Status, second.Remaining));
        Assert.Equal((ReservationStatus.Exhausted, 0L), (third.Status, third.Remaining));
        Assert.False(third.Allowed);
        Assert.Equal(0, await ledger.RemainingAsync(account, default));
    }

    [Fact]
    public async Task Fewer_credits_than_the_cost_is_insufficient_and_keeps_them()
    {
        var ledger = CreateLedger();
        var account = new BudgetAccount("tok-b", 8);
        await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default);

        var over = await ledger.ReserveAsync(new BudgetCharge(account, 5, null), default);

        Assert.Equal((ReservationStatus.Insufficient, 3L), (over.Status, over.Remaining));
        Assert.Equal(3, await ledger.RemainingAsync(account, default));
    }

    [Fact]
    public async Task A_retried_request_is_charged_once_within_the_replay_window()
    {
        var ledger = CreateLedger();
        var account = new BudgetAccount("tok-c", 10);

        var first = await ledger.ReserveAsync(new BudgetCharge(account, 4, "req-1"), default);
        var retry = await ledger.ReserveAsync(new BudgetCharge(account, 4, "req-1"), default);
        Assert.Equal(ReservationStatus.Reserved, first.Status);
        Assert.Equal((ReservationStatus.Replayed, 6L), (retry.Status, retry.Remaining));
        Assert.True(retry.Allowed);

        Clock.Advance(IBudgetLedger.ReplayWindow + TimeSpan.FromSeconds(1));
        var later = await ledger.ReserveAsync(new BudgetCharge(account, 4, "req-1"), default);
        Assert.Equal((ReservationStatus.Reserved, 2L), (later.Status, later.Remaining));
    }

    [Fact]
    public async Task A_refund_gives_the_credits_back_and_forgets_the_request()
    {
        var ledger = CreateLedger();
        var account = new BudgetAccount("tok-d", 5);

        var reservation = await ledger.ReserveAsync(new BudgetCharge(account, 5, "req-2"), default);
        await ledger.RefundAsync(reservation, default);

        Assert.Equal(5, await ledger.RemainingAsync(account, default));
        var again = await ledger.ReserveAsync(new BudgetCharge(account, 5, "req-2"), default);
        Assert.Equal((ReservationStatus.Reserved, 0L), (again.Status, again.Remaining));

        // Refusals and replays hold nothing to refund.
        var refused = await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default);
        await ledger.RefundAsync(refused, default);
        Assert.Equal(0, await ledger.RemainingAsync(account, default));
    }

    [Fact]
    public async Task Accounts_are_separate_and_a_period_budget_starts_again_at_its_UTC_boundary()
    {
        var ledger = CreateLedger();
        var daily = new BudgetAccount("tok-e", 3, BudgetPeriod.Day);
        var other = new BudgetAccount("tok-f", 3, BudgetPeriod.Day);

        await ledger.ReserveAsync(new BudgetCharge(daily, 3, null), default);
        Assert.Equal(0, await ledger.RemainingAsync(daily, default));
        Assert.Equal(3, await ledger.RemainingAsync(other, default));

        Clock.Advance(TimeSpan.FromHours(13.9));
        Assert.Equal(0, await ledger.RemainingAsync(daily, default));
        Clock.Advance(TimeSpan.FromHours(0.2));
        Assert.Equal(3, await ledger.RemainingAsync(daily, default));
        Assert.Equal(ReservationStatus.Reserved, (await ledger.ReserveAsync(new BudgetCharge(daily, 3, null), default)).Status);
    }

    [Fact]
    public async Task Concurrent_charges_never_take_more_than_the_limit()
    {
        var ledger = CreateLedger();
        var account = new BudgetAccount("tok-g", 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(async () => await ledger.ReserveAsync(new BudgetCharge(account, 1, $"req-{i}"), default))));

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Exhausted));
        Assert.Equal(0, await ledger.RemainingAsync(account, default));
    }
}

public sealed class MemoryBudgetLedgerTests : BudgetLedgerContract
{
    protected override IBudgetLedger CreateLedger() => new MemoryBudgetLedger(Clock);
}
