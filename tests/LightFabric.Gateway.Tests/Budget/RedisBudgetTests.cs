using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Budget;

/// <summary>Two gateways sharing one real redis-server as their budget ledger.</summary>
public sealed class RedisBudgetTests
{
    [Fact]
    public async Task Two_gateways_on_one_redis_never_answer_more_calls_than_the_limit()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var key = TestKey.NewRsa("rsa-redis");
        var values = $"""
            budget.ledger: redis
            budget.redisUrl: "{redis.Url}"
            budget.defaultLimit: 100
            """;
        await using var first = await BudgetGateway.StartAsync(values, key: key);
        await using var second = await BudgetGateway.StartAsync(values, key: key);
        var claims = new JsonObject { ["sub"] = "shared-agent" };
        McpWire[] sessions = [await first.SessionAsync(claims), await second.SessionAsync(claims)];

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            sessions[i % 2].RequestAsync("tools/call", new JsonObject { ["name"] = "items", ["arguments"] = new JsonObject() })));

        Assert.Equal(100, replies.Count(r => r.Result is not null));
        Assert.Equal(100, replies.Count(r => r.ErrorMessage == "Budget exhausted"));
        Assert.Equal(100, first.Api.RequestCount + second.Api.RequestCount);
        var last = replies.Where(r => r.ErrorMessage == "Budget exhausted").Select(r => r.Message!["error"]!["data"]!["remaining_credits"]!.GetValue<long>());
        Assert.All(last, remaining => Assert.Equal(0, remaining));
    }

    [Fact]
    public async Task With_redis_down_fail_closed_refuses_before_the_upstream_and_fail_open_lets_calls_through()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var key = TestKey.NewRsa("rsa-redis-down");
        await using var closed = await BudgetGateway.StartAsync($"""
            budget.ledger: redis
            budget.redisUrl: "{redis.Url}"
            budget.defaultLimit: 100
            """, key: key);
        await using var open = await BudgetGateway.StartAsync($"""
            budget.ledger: redis
            budget.redisUrl: "{redis.Url}"
            budget.redisPrefix: "open:"
            budget.defaultLimit: 100
            budget.failMode: open
            """, key: key);
        var claims = new JsonObject { ["sub"] = "agent" };
        var closedSession = await closed.SessionAsync(claims);
        var openSession = await open.SessionAsync(claims);
        Assert.Equal(99, Receipt(await closedSession.CallToolAsync("items"))["remaining"]!.GetValue<long>());

        await redis.StopAsync();
        var refused = await closedSession.RequestAsync("tools/call", new JsonObject { ["name"] = "items", ["arguments"] = new JsonObject() });
        Assert.Equal(-32000, refused.ErrorCode);
        Assert.Equal("budget_error", refused.Message!["error"]!["data"]!["error"]!.GetValue<string>());
        Assert.Equal(1, closed.Api.RequestCount);
        Assert.Null((await openSession.CallToolAsync("items"))["isError"]);
        Assert.Equal(1, open.Api.RequestCount);

        // Back up (this test server keeps nothing on disk, so it starts empty): calls are charged again.
        await redis.StartAsync();
        var again = await WaitForLedgerAsync(closedSession);
        Assert.Equal(99, Receipt(again)["remaining"]!.GetValue<long>());
        Assert.Equal(2, closed.Api.RequestCount);
    }

    // The client reconnects by itself; until then each call fails fast as a ledger failure.
    private static async Task<JsonObject> WaitForLedgerAsync(McpWire session)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var reply = await session.RequestAsync("tools/call", new JsonObject { ["name"] = "items", ["arguments"] = new JsonObject() });
            if (reply.Result is JsonObject result)
            {
                return result;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("the gateway did not reconnect to redis within 10 s");
    }

    private static JsonObject Receipt(JsonObject result) => (JsonObject)result["_meta"]!["io.lightfabric/budget"]!;
}
