using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Cli;
using LightFabric.Gateway.Tests.Budget;
using LightFabric.Governance.Audit;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Audit;

/// <summary>The audit trail of governed calls through a real gateway: one record per call, allowed, denied or would-deny.</summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task Every_governed_call_gets_one_chained_record_with_its_decisions_cost_and_outcome()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("rule.yml", """
            ruleBodies:
              tellers:
                ruleId: tellers
                ruleType: req-acc
                actions: [{actionClassName: RoleBasedAccessControlAction}]
            endpointRules:
              /weather@get:
                req-acc: [tellers]
                permission: {roles: teller}
            """);
        var audit = Path.Combine(dir.Path, "audit");
        var db = Path.Combine(dir.Path, "data", "audit.db");
        await using (var gateway = await BudgetGateway.StartAsync($"""
            budget.ledger: memory
            budget.defaultLimit: 6
            budget.tools.costs: {"{"}weather: 5{"}"}
            access-control.enabled: true
            access-control.mode: observe
            audit.directory: "{audit}"
            audit.sqlitePath: "{db}"
            """, dir: dir, chain: "[security, access-control, budget, audit, mcp]"))
        {
            var guest = await gateway.SessionAsync(new JsonObject { ["sub"] = "guest-1", ["client_id"] = "agent-g" });
            var first = await guest.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo", ["token"] = "not-in-the-trail" });
            Assert.Null(first["isError"]);
            var refused = await guest.RequestAsync("tools/call", new JsonObject { ["name"] = "weather", ["arguments"] = new JsonObject { ["city"] = "Oslo" } });
            Assert.Equal(-32000, refused.ErrorCode);
            var toolError = await guest.RequestAsync("tools/call", new JsonObject { ["name"] = "unreachable", ["arguments"] = new JsonObject() });
            Assert.Equal(-32000, toolError.ErrorCode);
        }

        // Disposing the gateway flushed the batched records.
        var files = Directory.GetFiles(audit, "*.jsonl");
        var verification = AuditVerifier.Verify(files);
        Assert.True(verification.Ok, verification.Reason);
        Assert.Equal(3, verification.Records);
        var text = File.ReadAllText(Path.Combine(audit, "audit.jsonl"));
        Assert.DoesNotContain("not-in-the-trail", text);

        using var store = SqliteAuditStore.OpenExisting(db);
        var records = (await store.QueryAsync(new AuditQuery { Limit = 10 }, default)).Reverse().ToArray();
        Assert.Equal(["ok", "denied", "upstream-error"], records.Select(r => r.Outcome));
        var charged = records[0];
        Assert.Equal("mcp", charged.Kind);
        Assert.Equal("tools/call", charged.Method);
        Assert.Equal("weather", charged.Target);
        Assert.Equal("agent-g", charged.Subject);
        Assert.Equal("guest-1", charged.PrincipalSub);
        Assert.Matches("^[0-9a-f]{12}$", charged.TokenId!);
        Assert.Equal(5, charged.Cost);
        Assert.Equal(1, charged.Remaining);
        Assert.Matches("^[0-9a-f]{64}$", charged.ArgumentsDigest!);
        Assert.Null(charged.Arguments);
        // The rule of /weather@get wants a teller: control would have refused this guest.
        Assert.Contains(charged.Decisions, d => d is { Policy: "access-control", Decision: "would-deny", Mode: "observe", Code: "access.denied" });
        Assert.Contains(charged.Decisions, d => d is { Policy: "budget", Decision: "charged", Mode: "control" });
        Assert.Contains(records[1].Decisions, d => d is { Policy: "budget", Decision: "denied", Code: "insufficient_budget" });
        Assert.Equal(0, records[2].Cost);

        // What an operator reads before switching access-control to control.
        var output = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.RunAsync(["audit", "report", "--db", db, "--json"], output, new StringWriter()));
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        var accessRow = Assert.Single(rows, r => r["policy"]!.GetValue<string>() == "access-control" && r["target"]!.GetValue<string>() == "weather");
        Assert.Equal(2, accessRow["wouldDeny"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_http_route_refused_by_access_control_and_one_forwarded_are_both_recorded()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("rule.yml", """
            ruleBodies:
              managers:
                ruleId: managers
                ruleType: req-acc
                actions: [{actionClassName: RoleBasedAccessControlAction}]
            endpointRules:
              /items@get:
                req-acc: [managers]
                permission: {roles: manager}
              /weather@get:
                req-acc: [managers]
                permission: {roles: "manager guest"}
            """);
        var db = Path.Combine(dir.Path, "audit.db");
        await using (var gateway = await BudgetGateway.StartAsync($"""
            budget.ledger: memory
            access-control.enabled: true
            audit.jsonl: false
            audit.sqlitePath: "{db}"
            audit.durability: strict
            """, dir: dir, proxyChain: "[security, access-control, budget, audit, proxy]"))
        {
            using var client = new HttpClient { BaseAddress = gateway.Client.BaseAddress };
            client.DefaultRequestHeaders.Add("Authorization", "Bearer " + LightFabric.Gateway.Tests.Security.JwtCallers.Token(gateway.Key, "guest"));
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/items")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/weather?city=Oslo")).StatusCode);

            // Strict: the records are in the database once the answers are back, before the gateway stops.
            using var store = SqliteAuditStore.OpenExisting(db);
            var records = (await store.QueryAsync(new AuditQuery(), default)).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
            Assert.Equal(["/items", "/weather"], records.Select(r => r.Target));
            Assert.Equal("denied", records[0].Outcome);
            Assert.Contains(records[0].Decisions, d => d is { Policy: "access-control", Decision: "denied" });
            Assert.Equal("ok", records[1].Outcome);
            Assert.Equal("http", records[1].Kind);
            Assert.Equal("GET", records[1].Method);
            Assert.Equal(1, records[1].Cost);
            Assert.NotNull(records[1].Upstream);
        }
    }

    [Fact]
    public async Task An_audit_directory_that_cannot_be_created_refuses_the_start_naming_it()
    {
        using var dir = new TempDirectory();
        var blocker = Path.Combine(dir.Path, "not-a-directory");
        File.WriteAllText(blocker, "a regular file");
        var error = await Assert.ThrowsAsync<LightFabric.Config.ConfigException>(() => BudgetGateway.StartAsync($"""
            budget.ledger: memory
            audit.directory: "{Path.Combine(blocker, "audit")}"
            audit.sqlite: false
            """, dir: dir, chain: "[security, audit, mcp]"));

        var text = string.Join("\n", error.Problems.Select(p => p.ToString()));
        Assert.Contains("audit.yml", text);
        Assert.Contains("the audit trail cannot be written to", text);
        Assert.Contains(blocker, text);
    }
}
