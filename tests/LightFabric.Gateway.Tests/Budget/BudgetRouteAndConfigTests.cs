using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Budget;

/// <summary>Budgets of HTTP proxy routes, and budget.yml as a user writes it.</summary>
public sealed class BudgetRouteAndConfigTests
{
    [Fact]
    public async Task A_proxy_route_is_charged_its_route_cost_and_answers_402_once_the_budget_is_spent()
    {
        await using var gateway = await BudgetGateway.StartAsync("""
            budget.ledger: memory
            budget.defaultLimit: 2
            budget.routes: [{path: /weather, method: GET, cost: 0}, {path: "/it*", cost: 1}]
            """);
        using var client = Authorized(gateway, new JsonObject { ["sub"] = "alice" });

        var first = await client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", first.Headers.GetValues("X-Budget-Cost").Single());
        Assert.Equal("1", first.Headers.GetValues("X-Budget-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/items")).StatusCode);

        var refused = await client.GetAsync("/items");
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("BUDGET_EXHAUSTED", body["code"]!.GetValue<string>());
        Assert.Equal(402, body["statusCode"]!.GetValue<int>());
        Assert.Equal("0", refused.Headers.GetValues("X-Budget-Remaining").Single());
        Assert.Equal(2, gateway.Api.RequestCount);

        // A free route still answers; the MCP tools share the same budget.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/weather?city=Oslo")).StatusCode);
        var mcp = await gateway.SessionAsync(new JsonObject { ["sub"] = "alice" });
        var call = await mcp.RequestAsync("tools/call", new JsonObject { ["name"] = "items", ["arguments"] = new JsonObject() });
        Assert.Equal("budget_exhausted", call.Message!["error"]!["data"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_http_request_no_host_received_is_refunded()
    {
        await using var gateway = await BudgetGateway.StartAsync("""
            budget.ledger: memory
            budget.defaultLimit: 1
            """, proxyHost: "http://127.0.0.1:9");
        using var client = Authorized(gateway, new JsonObject { ["sub"] = "alice" });

        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/items")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/items")).StatusCode);
        var mcp = await gateway.SessionAsync(new JsonObject { ["sub"] = "alice" });
        Assert.NotNull((await mcp.RequestAsync("tools/call", new JsonObject { ["name"] = "items", ["arguments"] = new JsonObject() })).Result);
    }

    [Fact]
    public async Task Invalid_budget_values_are_reported_with_their_keys_and_a_reload_keeps_the_last_good_config()
    {
        await using var gateway = await BudgetGateway.StartAsync("""
            budget.ledger: memory
            budget.defaultLimit: 5
            """);
        var values = File.ReadAllText(Path.Combine(gateway.Dir.Path, "config", "values.yml"));
        gateway.Dir.WriteConfig("values.yml", values + """

            budget.mode: maybe
            budget.failMode: x
            budget.subject: jwt
            budget.tools.costs: {weather: -3}
            budget.limits: [{limit: 4}]
            budget.routes: [{path: api, cost: 1}]
            """);

        var report = await gateway.Runtime.ReloadAsync();

        Assert.False(report.Applied);
        var text = string.Join("\n", report.Problems);
        Assert.Contains("budget.mode (used by budget.yml): 'maybe' must be one of control (or hard), soft, observe (or shadow)", text);
        Assert.Contains("budget.failMode (used by budget.yml): 'x' must be closed", text);
        Assert.Contains("budget.subject (used by budget.yml): 'jwt' must be one of auto, token, claim:<name>", text);
        Assert.Contains("tools.costs.weather", text);
        Assert.Contains("limits[0].subject", text);
        Assert.Contains("routes[0].path", text);

        // The last good config still charges.
        var alice = await gateway.SessionAsync(new JsonObject { ["sub"] = "alice" });
        var result = await alice.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        Assert.Equal(4, result["_meta"]!["io.lightfabric/budget"]!["remaining"]!.GetValue<long>());
    }

    [Fact]
    public async Task SatGate_budget_and_enforcement_blocks_map_onto_the_same_settings()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("budget.yml", """
            budget: {backend: memory, limit: 6, failMode: open}
            tools:
              defaultCost: 5
              costs: {items: 3}
            enforcement: {mode: shadow}
            """);
        await using var gateway = await BudgetGateway.StartAsync("", dir: dir);
        var handler = Assert.IsType<LightFabric.Gateway.Handlers.Budget.BudgetHandler>(gateway.Runtime.State!.Model.ActiveHandlers["budget"]);
        var settings = handler.Settings;

        Assert.Equal(LightFabric.Governance.EnforcementMode.Observe, settings.Budget.Mode);
        Assert.Equal(LightFabric.Governance.Budgets.BudgetFailMode.Open, settings.Budget.FailMode);
        Assert.Equal(6, settings.Budget.DefaultLimit);
        Assert.Equal(LightFabric.Gateway.Handlers.Budget.BudgetLedgerKind.Memory, settings.Ledger.Kind);
        Assert.Equal(3, settings.Budget.Costs.CostOf("items"));
        Assert.Equal(5, settings.Budget.Costs.CostOf("weather"));
    }

    [Fact]
    public async Task Without_budget_in_a_chain_budget_yml_is_not_read_and_nothing_is_charged()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("budget.yml", "mode: not-a-mode\n");
        var model = await GatewayTestHost.BuildResultAsync(dir);
        Assert.DoesNotContain(model.Modules, m => m.Id == "light-gateway/budget");
    }

    private static HttpClient Authorized(BudgetGateway gateway, JsonObject claims) => new()
    {
        BaseAddress = gateway.Client.BaseAddress,
        DefaultRequestHeaders = { { "Authorization", "Bearer " + LightFabric.Gateway.Tests.Security.JwtCallers.Token(gateway.Key, null, claims) } },
    };
}
