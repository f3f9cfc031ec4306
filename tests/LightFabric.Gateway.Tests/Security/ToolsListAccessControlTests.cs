using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Handlers.Mcp;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>
/// tools/list visibility (access-control.yml <c>toolsListAccessControl</c>) through the real gateway: JWT callers
/// list different tools in permission and cel mode, listing never changes what a call may do, the per-listing
/// rule limit applies the fallback, and a reload starts over with the new rules.
/// </summary>
public sealed class ToolsListAccessControlTests
{
    private const string Rules = ToolsListVisibilityTests.RuleBodies + "\n" + """
        endpointRules:
          teller-report@call: {req-acc: [by-role], permission: {roles: teller}}
          ops-console@call: {req-acc: [open], permission: {groups: ops}}
          alice-notes@call: {req-acc: [open], permission: {users: alice}}
          audit-log@call: {req-acc: [by-role], permission: {roles: teller}, visibility: {roles: auditor}}
          transfer@call: {req-acc: [small-amount]}
          open-1@call: {req-acc: [open]}
          open-2@call: {req-acc: [open]}
          closed-1@call: {req-acc: [closed]}
          closed-2@call: {req-acc: [closed]}
        """;

    private static string Tools(string baseUrl, params string[] names) =>
        "mcp-router.tools:\n" + string.Concat(names.Select(n => $"  - {{name: {n}, targetHost: \"{baseUrl}\", path: /items, method: GET, endpoint: {n}@call}}\n"));

    private sealed class Gateway : IAsyncDisposable
    {
        // One key for the whole class: generating RSA keys is the costliest part of starting these gateways.
        private static readonly TestKey Key = TestKey.NewRsa("rsa-list");

        private JwksServer _keys = null!;
        private TempDirectory _dir = null!;

        public TestApi Api { get; private set; } = null!;

        public LightRuntime<GatewayModel> Runtime { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public ToolsListVisibility Visibility =>
            ((RuleToolCallPolicy)((McpHandler)Runtime.State!.Model.ActiveHandlers["mcp"]).Router.Policy!).ToolsList;

        public static async Task<Gateway> StartAsync(string settings, params string[] tools)
        {
            var gateway = new Gateway();
            gateway._keys = await JwksServer.StartAsync(Key);
            gateway.Api = await TestApi.StartAsync();
            gateway._dir = new TempDirectory();
            gateway._dir.WriteConfig("client.yml", gateway._keys.ClientYml());
            gateway._dir.WriteConfig("rule.yml", Rules);
            (gateway.Runtime, gateway.Client) = await GatewayTestHost.StartAsync(gateway._dir, gateway.Values(settings, tools));
            return gateway;
        }

        public string Values(string settings, string[] tools) => $$"""
            handler.handlers: [security, mcp]
            handler.paths:
              - {path: /mcp, method: POST, exec: [security, mcp]}
            security.issuer: https://issuer.test
            security.audience: [gateway]
            access-control.enabled: true
            {{settings}}
            {{Tools(Api.BaseUrl, tools)}}
            """;

        public void WriteConfig(string name, string text) => _dir.WriteConfig(name, text);

        public async Task<McpWire> SessionAsync(JsonObject claims)
        {
            claims["iss"] = "https://issuer.test";
            claims["aud"] = "gateway";
            claims["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300;
            var wire = new McpWire(new HttpClient { BaseAddress = Client.BaseAddress, DefaultRequestHeaders = { { "Authorization", "Bearer " + Key.Sign(claims) } } });
            Assert.Equal(HttpStatusCode.OK, (await wire.InitializeAsync()).Status);
            return wire;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Runtime.DisposeAsync();
            await Api.DisposeAsync();
            await _keys.DisposeAsync();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task Permission_mode_lists_by_role_group_and_user_claims_and_by_claim_mappings()
    {
        await using var gateway = await Gateway.StartAsync("""
            access-control.toolsListAccessControl.mode: permission
            access-control.claimMappings: {role: [custom_roles]}
            access-control.toolsListAccessControl.claimMappings: {groups: [teams]}
            """, "teller-report", "ops-console", "alice-notes", "audit-log", "unruled");

        var teller = await gateway.SessionAsync(new JsonObject { ["sub"] = "t1", ["role"] = "teller" });
        var ops = await gateway.SessionAsync(new JsonObject { ["sub"] = "o1", ["scp"] = "read ops" });
        var alice = await gateway.SessionAsync(new JsonObject { ["sub"] = "alice" });
        var auditor = await gateway.SessionAsync(new JsonObject { ["sub"] = "a1", ["role"] = "auditor" });
        var mapped = await gateway.SessionAsync(new JsonObject { ["sub"] = "m1", ["custom_roles"] = "teller", ["teams"] = new JsonArray("ops") });

        Assert.Equal(["teller-report"], await teller.ListToolNamesAsync());
        Assert.Equal(["ops-console"], await ops.ListToolNamesAsync());
        Assert.Equal(["alice-notes"], await alice.ListToolNamesAsync());
        // audit-log's visibility block (auditor) wins over its permission block (teller); unruled has no rule at all.
        Assert.Equal(["audit-log"], await auditor.ListToolNamesAsync());
        Assert.Equal(["teller-report", "ops-console"], await mapped.ListToolNamesAsync());

        // Listing never decides a call: the hidden tool is still callable, the listed one still denied.
        Assert.Null((await teller.RequestAsync("tools/call", new JsonObject { ["name"] = "audit-log" })).ErrorCode);
        var denied = await auditor.RequestAsync("tools/call", new JsonObject { ["name"] = "audit-log" });
        Assert.Equal(-32001, denied.ErrorCode);
        Assert.Contains("audit-log@call", denied.ErrorMessage);
    }

    [Fact]
    public async Task Cel_mode_runs_req_acc_with_empty_arguments_and_calls_are_still_authorized_with_theirs()
    {
        await using var gateway = await Gateway.StartAsync(
            "access-control.toolsListAccessControl.mode: cel", "teller-report", "transfer", "audit-log", "unruled");
        var teller = await gateway.SessionAsync(new JsonObject { ["sub"] = "t1", ["role"] = "teller" });
        var auditor = await gateway.SessionAsync(new JsonObject { ["sub"] = "a1", ["role"] = "auditor" });

        // transfer's rule needs an amount, so it is hidden from a listing; cel mode ignores visibility blocks.
        Assert.Equal(["teller-report", "audit-log"], await teller.ListToolNamesAsync());
        Assert.Empty(await auditor.ListToolNamesAsync());

        Assert.Null((await teller.RequestAsync("tools/call", new JsonObject { ["name"] = "transfer", ["arguments"] = new JsonObject { ["amount"] = 5 } })).ErrorCode);
        Assert.Equal(-32001, (await teller.RequestAsync("tools/call", new JsonObject { ["name"] = "transfer", ["arguments"] = new JsonObject { ["amount"] = 5000 } })).ErrorCode);
    }

    [Fact]
    public async Task Tools_past_max_cel_evaluations_get_the_unknown_rule_fallback()
    {
        await using var hidden = await Gateway.StartAsync("""
            access-control.toolsListAccessControl.mode: cel
            access-control.toolsListAccessControl.maxCelEvaluations: 1
            """, "open-1", "unruled", "open-2", "closed-1");
        var caller = await hidden.SessionAsync(new JsonObject { ["sub"] = "c1" });

        Assert.Equal(["open-1"], await caller.ListToolNamesAsync());
        Assert.Equal(1, hidden.Visibility.DecisionsComputed);
        // The limit hides open-2 from the listing only; the call runs its rules.
        Assert.Null((await caller.RequestAsync("tools/call", new JsonObject { ["name"] = "open-2" })).ErrorCode);

        await using var visible = await Gateway.StartAsync("""
            access-control.toolsListAccessControl.mode: cel
            access-control.toolsListAccessControl.maxCelEvaluations: 1
            access-control.toolsListAccessControl.unknownRuleFallback: visible
            """, "closed-1", "open-1", "closed-2");
        var other = await visible.SessionAsync(new JsonObject { ["sub"] = "c2" });

        Assert.Equal(["open-1", "closed-2"], await other.ListToolNamesAsync());
        Assert.Equal(-32001, (await other.RequestAsync("tools/call", new JsonObject { ["name"] = "closed-2" })).ErrorCode);
    }

    [Fact]
    public async Task Repeat_listings_come_from_the_bounded_cache_and_a_reload_starts_over_with_the_new_rules()
    {
        const string settings = """
            access-control.toolsListAccessControl.mode: cel
            access-control.toolsListAccessControl.maxCacheEntries: 3
            """;
        await using var gateway = await Gateway.StartAsync(settings, "teller-report", "ops-console", "open-1");
        var teller = await gateway.SessionAsync(new JsonObject { ["sub"] = "t1", ["role"] = "teller" });
        var clerk = await gateway.SessionAsync(new JsonObject { ["sub"] = "c1", ["role"] = "clerk" });

        Assert.Equal(["teller-report", "ops-console", "open-1"], await teller.ListToolNamesAsync());
        Assert.Equal(3, gateway.Visibility.DecisionsComputed);
        Assert.Equal(["teller-report", "ops-console", "open-1"], await teller.ListToolNamesAsync());
        Assert.Equal(3, gateway.Visibility.DecisionsComputed);

        Assert.Equal(["ops-console", "open-1"], await clerk.ListToolNamesAsync());
        Assert.Equal(6, gateway.Visibility.DecisionsComputed);
        Assert.Equal(3, gateway.Visibility.CachedDecisions);

        gateway.WriteConfig("rule.yml", Rules.Replace(
            "teller-report@call: {req-acc: [by-role], permission: {roles: teller}}",
            "teller-report@call: {req-acc: [by-role], permission: {roles: manager}}",
            StringComparison.Ordinal));
        var reload = await gateway.Runtime.ReloadAsync();
        Assert.True(reload.Applied, reload.ToString());

        Assert.Equal(["ops-console", "open-1"], await teller.ListToolNamesAsync());
        Assert.Equal(3, gateway.Visibility.DecisionsComputed);
    }
}
