using LightFabric.Governance.Budgets;
using LightFabric.Testing;
using StackExchange.Redis;

namespace LightFabric.Governance.Tests.Budgets;

/// <summary>One real redis-server for the Redis ledger tests.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServer.StartNewAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Server.Port}");
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}

public sealed class RedisBudgetLedgerTests(RedisFixture redis) : BudgetLedgerContract, IClassFixture<RedisFixture>
{
    // Each test its own keys on the shared server.
    protected override IBudgetLedger CreateLedger() => new RedisBudgetLedger(redis.Connection, $"test:{Guid.NewGuid():N}:", Clock);

    [Fact]
    public async Task Two_gateways_on_one_Redis_share_balances_and_never_exceed_the_limit()
    {
        var prefix = $"test:{Guid.NewGuid():N}:";
        await using var first = await RedisBudgetLedger.ConnectAsync(redis.Server.Url, prefix, Clock);
        await using var second = await RedisBudgetLedger.ConnectAsync(redis.Server.Url, prefix, Clock);
        var account = new BudgetAccount("shared", 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? first : second).ReserveAsync(new BudgetCharge(account, 1, $"r{i}"), default))));

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(0, await first.RemainingAsync(account, default));

        // A ledger connected later (a restarted gateway) sees the same balance and remembers charged requests.
        await using var restarted = await RedisBudgetLedger.ConnectAsync(redis.Server.Url, prefix, Clock);
        Assert.Equal(0, await restarted.RemainingAsync(account, default));
        var charged = results.Select((r, i) => (r, i)).First(x => x.r.Status == ReservationStatus.Reserved).i;
        Assert.Equal(ReservationStatus.Replayed, (await restarted.ReserveAsync(new BudgetCharge(account, 1, $"r{charged}"), default)).Status);
    }

    [Fact]
    public async Task Redis_down_is_a_ledger_failure_and_the_ledger_carries_on_when_it_is_back()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var ledger = await RedisBudgetLedger.ConnectAsync(server.Url, "down:", Clock);
        var account = new BudgetAccount("tok", 10);
        Assert.Equal(ReservationStatus.Reserved, (await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default)).Status);

        await server.StopAsync();
        var failure = await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default));
        Assert.Contains($"127.0.0.1:{server.Port}", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BudgetLedgerException>(async () => await ledger.RemainingAsync(account, default));

        // The server came back empty (no persistence here): the ledger reconnects by itself.
        await server.StartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        BudgetReservation? after = null;
        while (after is null)
        {
            try
            {
                after = await ledger.ReserveAsync(new BudgetCharge(account, 1, null), default);
            }
            catch (BudgetLedgerException) when (DateTime.UtcNow < deadline)
            {
                // Bounded wait for the client's own reconnect to a real process.
                await Task.Delay(100);
            }
        }

        Assert.Equal((ReservationStatus.Reserved, 9L), (after.Status, after.Remaining));
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6390", "127.0.0.1:6390", null, null)]
    [InlineData("redis://:secret@cache.internal/2", "cache.internal:6379", "secret", 2)]
    [InlineData("rediss://user:pw@cache.internal:6380", "cache.internal:6380", "pw", null)]
    public void Redis_urls_become_client_options(string url, string endpoint, string? password, int? database)
    {
        var options = RedisUrl.Parse(url);

        Assert.Equal(endpoint, Assert.Single(options.EndPoints).ToString()!.Replace("Unspecified/", "", StringComparison.Ordinal));
        Assert.Equal(password, options.Password);
        Assert.Equal(database, options.DefaultDatabase);
        Assert.Equal(url.StartsWith("rediss", StringComparison.Ordinal), options.Ssl);
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("http://cache:6379")]
    [InlineData("redis://cache:6379/zero")]
    public void Other_text_is_not_a_redis_url(string url) =>
        Assert.Contains("redis://", Assert.Throws<FormatException>(() => RedisUrl.Parse(url)).Message, StringComparison.Ordinal);
}
