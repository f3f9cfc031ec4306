using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Gateway.Handlers.Mcp;
using LightFabric.Rules;
using LightFabric.Rules.Loading;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>
/// access-control.yml <c>toolsListAccessControl</c> decisions without HTTP: the permission-mode decision table,
/// cel mode with empty arguments and its per-listing limit, the decision cache and its bound, and config problems.
/// </summary>
public sealed class ToolsListVisibilityTests
{
    /// <summary>The rule bodies of the visibility tests (also those of <see cref="ToolsListAccessControlTests"/>).</summary>
    internal const string RuleBodies = """
        ruleBodies:
          by-role:
            ruleId: by-role
            ruleType: req-acc
            actions: [{actionClassName: com.networknt.rule.RoleBasedAccessControlAction}]
          open:
            ruleId: open
            ruleType: req-acc
            conditionLanguage: cel
            expression: "true"
          closed:
            ruleId: closed
            ruleType: req-acc
            conditionLanguage: cel
            expression: "false"
          small-amount:
            ruleId: small-amount
            ruleType: req-acc
            conditionLanguage: cel
            expression: toolArguments.amount < 1000
          columns:
            ruleId: columns
            ruleType: res-fil
            conditions: [{operatorCode: isNotNull, propertyPath: col}]
            actions: [{actionClassName: ResponseColumnFilterAction}]
        """;

    private const string RuleYml = RuleBodies + "\n" + """
        endpointRules:
          roles@call: {req-acc: [by-role], permission: {roles: teller manager}}
          groups@call: {req-acc: [open], permission: {groups: [ops, dev]}}
          users@call: {req-acc: [open], permission: {users: "alice,bob"}}
          positions@call: {req-acc: [open], permission: {positions: '["lead"]'}}
          attributes@call: {req-acc: [open], permission: {attributes: eu}}
          both@call: {req-acc: [open], permission: {roles: teller, groups: ops}}
          visibility@call: {req-acc: [by-role], permission: {roles: teller}, visibility: {roles: auditor}}
          empty-visibility@call: {req-acc: [by-role], permission: {roles: teller}, visibility: {}}
          filters-only@call:
            req-acc: [open]
            res-fil: [columns]
            permission: {col: {role: {teller: '["id"]'}}}
          no-permission@call: {req-acc: [open]}
          no-access-rules@call: {res-fil: [columns], permission: {roles: teller}}
          visibility-without-rules@call: {visibility: {roles: teller}}
          empty-roles@call: {req-acc: [by-role], permission: {roles: ""}}
          closed@call: {req-acc: [closed]}
          amount@call: {req-acc: [small-amount]}
          /mcp/files@call: {req-acc: [open], permission: {roles: teller}}
        """;

    private static ToolsListVisibility Visibility(ToolsListVisibilitySettings list, bool defaultDeny = true,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? claimMappings = null, IReadOnlyList<string>? skip = null)
    {
        var settings = new AccessControlSettings
        {
            Enabled = true,
            DefaultDeny = defaultDeny,
            ClaimMappings = claimMappings ?? new Dictionary<string, IReadOnlyList<string>>(),
            SkipPathPrefixes = skip ?? [],
            ToolsList = list,
        };
        var rules = RuleSetLoader.LoadOrThrow(ConfigYaml.Parse(RuleYml, "rule.yml")!.AsObject(), options: RuleEngineOptions.Default with { ClaimMappings = settings.ClaimMappings });
        return new ToolsListVisibility(settings, rules);
    }

    private static ToolsListVisibilitySettings Permission(bool unknownVisible = false) =>
        new() { Mode = ToolsListVisibilityMode.Permission, UnknownRuleVisible = unknownVisible };

    private static ToolsListVisibilitySettings Cel(int max = 100, bool unknownVisible = false, int cache = 2000) =>
        new() { Mode = ToolsListVisibilityMode.Cel, MaxCelEvaluations = max, UnknownRuleVisible = unknownVisible, MaxCacheEntries = cache };

    private static ToolVisibilityDecision One(ToolsListVisibility visibility, string endpoint, string claims) =>
        visibility.Decide(JsonNode.Parse(claims)!.AsObject(), [(endpoint.Split('@')[0], endpoint)])[0];

    [Theory]
    // The permission block's dimensions, each read from its standard claims; values split on spaces and commas.
    [InlineData("roles@call", """{"role":"teller"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("roles@call", """{"roles":["clerk","manager"]}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("roles@call", """{"role":"clerk"}""", false, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("roles@call", """{"sub":"teller"}""", false, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("groups@call", """{"scp":"read ops"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("groups@call", """{"grp":"dev"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("groups@call", """{"groups":"sales,dev"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("groups@call", """{"group":"sales"}""", false, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("users@call", """{"sub":"alice"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("users@call", """{"uid":"bob"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("users@call", """{"user_id":"carol"}""", false, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("positions@call", """{"pos":"lead"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("attributes@call", """{"att":"us eu"}""", true, ToolVisibilityBasis.PermissionBlock)]
    // Every dimension a block lists must match.
    [InlineData("both@call", """{"role":"teller","scp":"ops"}""", true, ToolVisibilityBasis.PermissionBlock)]
    [InlineData("both@call", """{"role":"teller"}""", false, ToolVisibilityBasis.PermissionBlock)]
    // An empty list matches nobody.
    [InlineData("empty-roles@call", """{"role":"teller"}""", false, ToolVisibilityBasis.PermissionBlock)]
    // A visibility block wins over the permission block.
    [InlineData("visibility@call", """{"role":"auditor"}""", true, ToolVisibilityBasis.VisibilityBlock)]
    [InlineData("visibility@call", """{"role":"teller"}""", false, ToolVisibilityBasis.VisibilityBlock)]
    [InlineData("visibility-without-rules@call", """{"role":"teller"}""", true, ToolVisibilityBasis.VisibilityBlock)]
    // Nothing checkable: a visibility block without dimensions, filter-only permission, no permission.
    [InlineData("empty-visibility@call", """{"role":"teller"}""", false, ToolVisibilityBasis.Unknown)]
    [InlineData("filters-only@call", """{"role":"teller"}""", false, ToolVisibilityBasis.Unknown)]
    [InlineData("no-permission@call", """{"role":"teller"}""", false, ToolVisibilityBasis.Unknown)]
    // No access rules, no endpoint rule: what a call would get (defaultDeny: true).
    [InlineData("no-access-rules@call", """{"role":"teller"}""", false, ToolVisibilityBasis.NoAccessRules)]
    [InlineData("nowhere@call", """{"role":"teller"}""", false, ToolVisibilityBasis.NoEndpointRule)]
    // Parent-path lookup as for calls: /mcp/files@call covers the server's tools.
    [InlineData("/mcp/files/read@call", """{"role":"teller"}""", true, ToolVisibilityBasis.PermissionBlock)]
    public void Permission_mode_decision_table(string endpoint, string claims, bool visible, ToolVisibilityBasis basis)
    {
        var decision = One(Visibility(Permission()), endpoint, claims);

        Assert.Equal(new ToolVisibilityDecision(visible, basis), decision);
    }

    [Theory]
    [InlineData("empty-visibility@call", true, ToolVisibilityBasis.Unknown)]
    [InlineData("no-permission@call", true, ToolVisibilityBasis.Unknown)]
    [InlineData("no-access-rules@call", true, ToolVisibilityBasis.NoAccessRules)]
    [InlineData("nowhere@call", true, ToolVisibilityBasis.NoEndpointRule)]
    [InlineData("roles@call", false, ToolVisibilityBasis.PermissionBlock)]
    public void Unknown_rule_fallback_and_default_deny_false_open_only_the_undecided_rows(string endpoint, bool visible, ToolVisibilityBasis basis)
    {
        var decision = One(Visibility(Permission(unknownVisible: true), defaultDeny: false), endpoint, """{"role":"clerk"}""");

        Assert.Equal(new ToolVisibilityDecision(visible, basis), decision);
    }

    [Fact]
    public void Claim_mappings_of_both_levels_add_claim_names_to_the_standard_ones()
    {
        var mappings = new Dictionary<string, IReadOnlyList<string>> { ["role"] = ["custom_roles"] };
        var list = Permission() with { ClaimMappings = new Dictionary<string, IReadOnlyList<string>> { ["groups"] = ["teams"] } };
        var visibility = Visibility(list, claimMappings: mappings);

        Assert.True(One(visibility, "roles@call", """{"role":"clerk","custom_roles":"teller"}""").Visible);
        Assert.True(One(visibility, "groups@call", """{"teams":["ops"]}""").Visible);
        Assert.True(One(visibility, "groups@call", """{"scp":"ops"}""").Visible);
        Assert.False(One(visibility, "users@call", """{"teams":"alice"}""").Visible);
    }

    [Fact]
    public void Skipped_tools_are_listed_in_every_mode()
    {
        var visibility = Visibility(Cel(), skip: ["public-"]);

        var decisions = visibility.Decide([], [("public-echo", "closed@call"), ("closed", "closed@call")]);

        Assert.Equal([new(true, ToolVisibilityBasis.Skipped), new(false, ToolVisibilityBasis.Rules)], decisions);
    }

    [Fact]
    public void Cel_mode_runs_req_acc_with_empty_arguments()
    {
        var visibility = Visibility(Cel());
        var teller = JsonNode.Parse("""{"role":"teller"}""")!.AsObject();

        var decisions = visibility.Decide(teller, [("roles", "roles@call"), ("closed", "closed@call"), ("amount", "amount@call"), ("nowhere", "nowhere@call")]);

        // amount@call needs toolArguments.amount: with no arguments the rule errors and the tool is hidden.
        Assert.Equal(
            [new(true, ToolVisibilityBasis.Rules), new(false, ToolVisibilityBasis.Rules), new(false, ToolVisibilityBasis.Rules), new(false, ToolVisibilityBasis.NoEndpointRule)],
            decisions);
        Assert.False(visibility.Decide([], [("roles", "roles@call")])[0].Visible);
        // Permission mode runs no rule at all: the same closed rule is judged by metadata only.
        Assert.Equal(ToolVisibilityBasis.Unknown, One(Visibility(Permission()), "closed@call", "{}").Basis);
    }

    [Fact]
    public void Past_max_cel_evaluations_the_fallback_decides_and_tools_without_rules_do_not_count()
    {
        (string, string)[] tools = [("a", "no-permission@call"), ("x", "nowhere@call"), ("b", "groups@call"), ("c", "closed@call"), ("d", "no-permission@call")];

        var hidden = Visibility(Cel(max: 2));
        var shown = Visibility(Cel(max: 2, unknownVisible: true));

        Assert.Equal([true, false, true, false, false], hidden.Decide([], tools).Select(d => d.Visible));
        Assert.Equal(2, hidden.DecisionsComputed);
        var decisions = shown.Decide([], tools);
        Assert.Equal([true, false, true, true, true], decisions.Select(d => d.Visible));
        Assert.Equal(ToolVisibilityBasis.EvaluationLimit, decisions[3].Basis);
        Assert.Equal(2, shown.DecisionsComputed);

        // The limit is by position, so a second listing (now from the cache) gives the same answers.
        Assert.Equal([true, false, true, true, true], shown.Decide([], tools).Select(d => d.Visible));
        Assert.Equal(2, shown.DecisionsComputed);
        Assert.All(Visibility(Cel(max: 0)).Decide([], tools), d => Assert.NotEqual(ToolVisibilityBasis.Rules, d.Basis));
    }

    [Fact]
    public void The_cache_answers_repeat_listings_per_caller_and_stays_within_its_bound()
    {
        (string, string)[] tools = [("roles", "roles@call"), ("groups", "groups@call"), ("closed", "closed@call"), ("users", "users@call")];
        var teller = JsonNode.Parse("""{"role":"teller","sub":"t1"}""")!.AsObject();
        var sameClaimsOtherOrder = JsonNode.Parse("""{"sub":"t1","role":"teller"}""")!.AsObject();
        var clerk = JsonNode.Parse("""{"role":"clerk","sub":"c1"}""")!.AsObject();

        var visibility = Visibility(Cel());
        var first = visibility.Decide(teller, tools);
        Assert.Equal(4, visibility.DecisionsComputed);
        Assert.Equal(first, visibility.Decide(sameClaimsOtherOrder, tools));
        Assert.Equal(4, visibility.DecisionsComputed);
        Assert.Equal([false, true, false, true], visibility.Decide(clerk, tools).Select(d => d.Visible));
        Assert.Equal(8, visibility.DecisionsComputed);
        Assert.Equal(8, visibility.CachedDecisions);

        var bounded = Visibility(Cel(cache: 3));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, bounded.Decide(teller, tools));
            Assert.True(bounded.CachedDecisions <= 3);
        }

        var uncached = Visibility(Cel(cache: 0));
        Assert.Equal(first, uncached.Decide(teller, tools));
        Assert.Equal(first, uncached.Decide(teller, tools));
        Assert.Equal(8, uncached.DecisionsComputed);
        Assert.Equal(0, uncached.CachedDecisions);
    }

    [Fact]
    public void Permission_mode_fingerprints_only_the_claims_it_reads()
    {
        var visibility = Visibility(Permission());
        (string, string)[] tools = [("roles", "roles@call")];

        visibility.Decide(JsonNode.Parse("""{"role":"teller","exp":1,"jti":"a"}""")!.AsObject(), tools);
        visibility.Decide(JsonNode.Parse("""{"role":"teller","exp":2,"jti":"b"}""")!.AsObject(), tools);
        visibility.Decide(JsonNode.Parse("""{"role":"manager","exp":2,"jti":"b"}""")!.AsObject(), tools);

        Assert.Equal(2, visibility.DecisionsComputed);
    }

    [Fact]
    public void The_cache_evicts_the_least_recently_used_decision()
    {
        var cache = new ToolVisibilityCache(2);
        ToolVisibilityKey a = new("f", "a", "a@call"), b = new("f", "b", "b@call"), c = new("f", "c", "c@call");
        cache.Set(a, new(true, ToolVisibilityBasis.Rules));
        cache.Set(b, new(false, ToolVisibilityBasis.Rules));
        Assert.True(cache.TryGet(a, out _));

        cache.Set(c, new(true, ToolVisibilityBasis.Rules));

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(a, out var kept) && kept.Visible);
        Assert.False(cache.TryGet(b, out _));
        Assert.True(cache.TryGet(c, out _));
    }

    [Fact]
    public void Fingerprints_ignore_key_order_and_see_every_value()
    {
        var one = JsonNode.Parse("""{"role":"teller","ext":{"b":1,"a":[1,2]}}""")!.AsObject();
        var sameOtherOrder = JsonNode.Parse("""{"ext":{"a":[1,2],"b":1},"role":"teller"}""")!.AsObject();
        var other = JsonNode.Parse("""{"role":"teller","ext":{"b":1,"a":[2,1]}}""")!.AsObject();

        Assert.Equal(ToolsListVisibility.Fingerprint(one, null), ToolsListVisibility.Fingerprint(sameOtherOrder, null));
        Assert.NotEqual(ToolsListVisibility.Fingerprint(one, null), ToolsListVisibility.Fingerprint(other, null));
        Assert.Equal(64, ToolsListVisibility.Fingerprint(one, null).Length);
    }

    [Fact]
    public async Task Bad_tools_list_settings_are_config_problems_with_their_keys()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [mcp]
            handler.paths: [{path: /mcp, method: POST, exec: [mcp]}]
            access-control.enabled: true
            access-control.toolsListAccessControl.mode: sometimes
            access-control.toolsListAccessControl.unknownRuleFallback: maybe
            access-control.toolsListAccessControl.maxCelEvaluations: -1
            access-control.toolsListAccessControl.maxCacheEntries: lots
            access-control.toolsListAccessControl.claimMappings: [role]
            mcp-router.tools:
              - {name: echo, targetHost: "http://127.0.0.1:9", path: /echo, method: GET}
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);

        // The values came from values.yml, so that is where the problems are, with the file that used them.
        Assert.Contains(error.Problems, p => p.Key == "access-control.toolsListAccessControl.mode" && p.Message.Contains("'sometimes' must be none, permission or cel"));
        Assert.Contains(error.Problems, p => p.Key == "access-control.toolsListAccessControl.unknownRuleFallback" && p.Message.Contains("'maybe' must be hidden or visible"));
        Assert.Contains(error.Problems, p => p.Key == "access-control.toolsListAccessControl.maxCelEvaluations" && p.Message.Contains("'-1' must be 0 or more"));
        Assert.Contains(error.Problems, p => p.Key == "access-control.toolsListAccessControl.maxCacheEntries" && p.Message.Contains("expected a whole number, got 'lots'"));
        Assert.Contains(error.Problems, p => p.Key == "access-control.toolsListAccessControl.claimMappings");
        Assert.All(error.Problems.Where(p => p.Key!.StartsWith("access-control.toolsListAccessControl", StringComparison.Ordinal)),
            p => Assert.Contains("values.yml: access-control.toolsListAccessControl.", p.ToString()));
        Assert.All(error.Problems.Where(p => p.Key!.StartsWith("access-control.toolsListAccessControl", StringComparison.Ordinal)),
            p => Assert.Equal("access-control.yml", p.UsedBy));
    }

    [Fact]
    public async Task The_embedded_access_control_yml_takes_every_key_from_values_with_the_reference_defaults()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [mcp]
            handler.paths: [{path: /mcp, method: POST, exec: [mcp]}]
            access-control.enabled: true
            access-control.toolsListAccessControl.mode: cel
            access-control.toolsListAccessControl.maxCelEvaluations: 7
            access-control.toolsListAccessControl.claimMappings: {groups: [teams]}
            mcp-router.tools:
              - {name: echo, targetHost: "http://127.0.0.1:9", path: /echo, method: GET}
            """);

        var model = await GatewayTestHost.BuildAsync(dir);

        var policy = Assert.IsType<RuleToolCallPolicy>(((McpHandler)model.ActiveHandlers["mcp"]).Router.Policy);
        var list = policy.ToolsList.Settings;
        Assert.Equal((ToolsListVisibilityMode.Cel, false, 7, 2000), (list.Mode, list.UnknownRuleVisible, list.MaxCelEvaluations, list.MaxCacheEntries));
        Assert.Equal(["teams"], list.ClaimMappings["groups"]);
    }
}
