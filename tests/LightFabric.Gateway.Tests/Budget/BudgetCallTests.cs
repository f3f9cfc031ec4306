using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Budget;

/// <summary>Budgets of MCP tools/call through a real gateway: modes, errors, receipts, replays, refunds, ledgers.</summary>
public sealed class BudgetCallTests
{
    private static readonly JsonObject Alice = new() { ["sub"] = "alice", ["client_id"] = "agent-a" };
    private static readonly JsonObject Bob = new() { ["sub"] = "bob" };

    private const string Costs = """
        budget.ledger: memory
        budget.defaultLimit: 10
        budget.tools.costs: {weather: 5, "item*": 0}
        """;

    [Fact]
    public async Task Control_mode_answers_until_the_budget_is_spent_then_refuses_before_the_upstream_sees_the_call()
    {
        await using var gateway = await BudgetGateway.StartAsync(Costs);
        var alice = await gateway.SessionAsync(Alice);

        var first = await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        var second = await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        Assert.Equal(5, Receipt(first)["remaining"]!.GetValue<long>());
        Assert.Equal(5, Receipt(first)["cost"]!.GetValue<long>());
        Assert.Equal(0, Receipt(second)["remaining"]!.GetValue<long>());

        var third = await alice.RequestAsync("tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "secret-city" } });
        Assert.Equal(-32000, third.ErrorCode);
        Assert.Equal("Budget exhausted", third.ErrorMessage);
        var data = third.Message!["error"]!["data"]!;
        Assert.Equal("budget_exhausted", data["error"]!.GetValue<string>());
        Assert.Equal("weather", data["tool"]!.GetValue<string>());
        Assert.Equal(5, data["cost_credits"]!.GetValue<long>());
        Assert.Equal(0, data["remaining_credits"]!.GetValue<long>());
        Assert.Matches("^[0-9a-f]{12}$", data["token_id"]!.GetValue<string>());
        Assert.DoesNotContain("secret-city", third.Raw);
        Assert.Equal(2, gateway.Api.RequestCount);

        // A free tool still answers, lists and ping cost nothing, and another caller has a budget of its own.
        Assert.Null((await alice.CallToolAsync("items"))["isError"]);
        await alice.RequestAsync("tools/list");
        await alice.RequestAsync("ping");
        var bob = await gateway.SessionAsync(Bob);
        Assert.Equal(5, Receipt(await bob.CallToolAsync("weather", new JsonObject { ["city"] = "Rome" }))["remaining"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_call_that_would_leave_too_little_is_insufficient_budget_and_the_rest_stays_usable()
    {
        await using var gateway = await BudgetGateway.StartAsync("""
            budget.ledger: memory
            budget.limits: [{subject: agent-a, limit: 7}]
            budget.tools.costs: {weather: 5}
            """);
        var alice = await gateway.SessionAsync(Alice);
        await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });

        var over = await alice.RequestAsync("tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "Oslo" } });
        Assert.Equal("insufficient_budget", over.Message!["error"]!["data"]!["error"]!.GetValue<string>());
        Assert.Equal(2, over.Message!["error"]!["data"]!["remaining_credits"]!.GetValue<long>());
        Assert.Equal(1, Receipt(await alice.CallToolAsync("items"))["remaining"]!.GetValue<long>());

        // Bob has no limit of his own and there is no default: unlimited, never refused.
        var bob = await gateway.SessionAsync(Bob);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(-1, Receipt(await bob.CallToolAsync("weather", new JsonObject { ["city"] = "Rome" }))["remaining"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task A_retried_request_with_the_same_id_in_the_same_session_is_charged_once()
    {
        await using var gateway = await BudgetGateway.StartAsync(Costs);
        var alice = await gateway.SessionAsync(Alice);
        const string Call = """{"jsonrpc":"2.0","id":"retry-1","method":"tools/call","params":{"name":"weather","arguments":{"city":"Oslo"}}}""";

        var first = await alice.SendAsync(Call);
        var retry = await alice.SendAsync(Call);

        Assert.Equal(5, Receipt((JsonObject)first.Result!)["remaining"]!.GetValue<long>());
        Assert.Equal(5, Receipt((JsonObject)retry.Result!)["remaining"]!.GetValue<long>());
        Assert.Equal(0, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_call_the_upstream_never_received_is_refunded()
    {
        await using var gateway = await BudgetGateway.StartAsync(Costs);
        var alice = await gateway.SessionAsync(Alice);

        var failed = await alice.RequestAsync("tools/call", new JsonObject { ["name"] = "unreachable", ["arguments"] = new JsonObject() });
        Assert.Equal(-32000, failed.ErrorCode);
        Assert.NotEqual("Budget exhausted", failed.ErrorMessage);

        Assert.Equal(5, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
    }

    [Fact]
    public async Task Concurrent_calls_never_spend_more_than_the_limit()
    {
        await using var gateway = await BudgetGateway.StartAsync("""
            budget.ledger: memory
            budget.defaultLimit: 20
            """);
        var alice = await gateway.SessionAsync(Alice);

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            alice.RequestAsync("tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "Oslo" } })));

        Assert.Equal(20, replies.Count(r => r.Result is not null));
        Assert.Equal(30, replies.Count(r => r.ErrorCode == -32000 && r.ErrorMessage == "Budget exhausted"));
        Assert.Equal(20, gateway.Api.RequestCount);
    }

    [Fact]
    public async Task Soft_mode_lets_an_over_budget_call_through_and_says_so()
    {
        var logs = new LogCapture();
        await using var gateway = await BudgetGateway.StartAsync(Costs + "\nbudget.mode: soft", logs: logs);
        var alice = await gateway.SessionAsync(Alice);
        await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });

        var over = await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });

        Assert.Null(over["isError"]);
        Assert.Equal(3, gateway.Api.RequestCount);
        Assert.Contains(logs.Records, r => r.Message.Contains("tools/call weather", StringComparison.Ordinal) && r.Message.Contains("budget: soft-over", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Observe_mode_never_changes_a_balance_and_a_reload_to_control_keeps_the_balances()
    {
        var logs = new LogCapture();
        await using var gateway = await BudgetGateway.StartAsync(Costs + "\nbudget.mode: observe", logs: logs);
        var alice = await gateway.SessionAsync(Alice);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(10, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
        }

        Assert.Contains(logs.Records, r => r.Message.Contains("budget: shadow", StringComparison.Ordinal));

        // Spend some under control, back to observe, then control again: the ledger kept what was spent.
        gateway.Dir.WriteConfig("values.yml", File.ReadAllText(Path.Combine(gateway.Dir.Path, "config", "values.yml")).Replace("budget.mode: observe", "budget.mode: control"));
        Assert.True((await gateway.Runtime.ReloadAsync()).Applied);
        Assert.Equal(5, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
        Assert.True((await gateway.Runtime.ReloadAsync()).Applied);
        Assert.Equal(0, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
        Assert.Equal(-32000, (await alice.RequestAsync("tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "Oslo" } })).ErrorCode);
    }

    [Fact]
    public async Task The_sqlite_ledger_keeps_balances_across_a_restart()
    {
        using var dir = new TempDirectory();
        var key = TestKey.NewRsa("rsa-restart");
        var values = $"""
            budget.ledger: sqlite
            budget.sqlitePath: "{Path.Combine(dir.Path, "data", "budget.db")}"
            budget.defaultLimit: 10
            budget.tools.costs: {"{"}weather: 5{"}"}
            """;
        await using (var before = await BudgetGateway.StartAsync(values, dir: dir, key: key))
        {
            var alice = await before.SessionAsync(Alice);
            Assert.Equal(5, Receipt(await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
        }

        await using var after = await BudgetGateway.StartAsync(values, dir: dir, key: key);
        var again = await after.SessionAsync(Alice);
        Assert.Equal(0, Receipt(await again.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" }))["remaining"]!.GetValue<long>());
        Assert.True(File.Exists(Path.Combine(dir.Path, "data", "budget.db")));
    }

    [Fact]
    public async Task Receipts_can_be_switched_off()
    {
        await using var gateway = await BudgetGateway.StartAsync(Costs + "\nbudget.receipts: false");
        var alice = await gateway.SessionAsync(Alice);
        var result = await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        Assert.Null(result["_meta"]?["io.lightfabric/budget"]);
    }

    private static JsonObject Receipt(JsonObject result) =>
        result["_meta"]?["io.lightfabric/budget"] as JsonObject ?? throw new Xunit.Sdk.XunitException($"no budget receipt in {result.ToJsonString()}");
}
