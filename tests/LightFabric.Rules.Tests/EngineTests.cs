using System.Text.Json.Nodes;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;

namespace LightFabric.Rules.Tests;

public class EngineTests
{
    private static readonly RuleSet AnyAll = YamlConfig.Load("""
        ruleBodies:
          isTeller: {ruleId: isTeller, conditions: [{operatorCode: equals, propertyPath: auditInfo.subject_claims.ClaimsMap.role, expected: teller}]}
          smallAmount: {ruleId: smallAmount, conditions: [{operatorCode: lessThan, propertyPath: toolArguments.amount, expected: 100}]}
        endpointRules:
          /pay@post: {req-acc: [isTeller, smallAmount]}
          /empty@get: {permission: {roles: a}}
        """);

    [Theory]
    [InlineData("teller", 500, AccessRuleLogic.Any, true, "isTeller")]
    [InlineData("guest", 50, AccessRuleLogic.Any, true, "smallAmount")]
    [InlineData("guest", 500, AccessRuleLogic.Any, false, "isTeller")]
    [InlineData("teller", 50, AccessRuleLogic.All, true, "smallAmount")]
    [InlineData("teller", 500, AccessRuleLogic.All, false, "smallAmount")]
    [InlineData("guest", 50, AccessRuleLogic.All, false, "isTeller")]
    public void Any_and_all_combine_access_rules(string role, int amount, AccessRuleLogic logic, bool allowed, string ruleId)
    {
        var d = RuleEngine.Authorize(AnyAll, "/pay@post", Ctx.WithRole(role, Ctx.Json($$"""{"amount":{{amount}}}""")), logic);
        Assert.Equal(allowed, d.Allowed);
        Assert.Equal(ruleId, d.RuleId);
    }

    [Fact]
    public void Default_deny_decides_without_endpoint_rule_or_access_rules()
    {
        var none = RuleEngine.Authorize(AnyAll, "/nothing@get", Ctx.WithRole("a"));
        Assert.False(none.Allowed);
        Assert.Equal(RuleDecisionCode.NoEndpointRule, none.Code);
        Assert.Contains("/nothing@get", none.Reason);
        Assert.True(RuleEngine.Authorize(AnyAll, "/nothing@get", Ctx.WithRole("a"), defaultDeny: false).Allowed);

        var empty = RuleEngine.Authorize(AnyAll, "/empty@get", Ctx.WithRole("a"));
        Assert.False(empty.Allowed);
        Assert.Equal(RuleDecisionCode.NoAccessRules, empty.Code);
        Assert.Equal("/empty@get", empty.EndpointKey);
    }

    [Fact]
    public void Permission_keys_are_promoted_to_the_root_but_never_overwrite_reserved_fields()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - {operatorCode: equals, propertyPath: roles, expected: a b}
                  - {operatorCode: equals, propertyPath: permission.roles, expected: a b}
                  - {operatorCode: equals, propertyPath: toolName, expected: tool}
                  - {operatorCode: equals, propertyPath: permission.toolName, expected: evil}
                  - {operatorCode: exists, propertyPath: /row/role}
            endpointRules:
              /a@get: {req-acc: [r], permission: {roles: a b, toolName: evil, row: {role: {}}}}
            """);
        var context = Ctx.WithRole("x");
        var before = context.ToJsonString();
        var d = RuleEngine.Authorize(set, "/a@get", context);
        Assert.True(d.Allowed, d.Reason);
        Assert.Equal(before, context.ToJsonString());
    }

    [Fact]
    public void Context_builder_lowercases_headers_and_withholds_credentials()
    {
        var ctx = new RuleContextBuilder()
            .WithHeaders([new("X-Tenant", "t1"), new("Authorization", "Bearer x"), new("Cookie", "c"), new("X-API-Key", "k")])
            .WithEndpoint("/a@get").WithCorrelationId("cid").WithClaim("role", "r").Build();
        Assert.Equal("""{"x-tenant":"t1"}""", ctx["headers"]!.ToJsonString());
        Assert.Equal("cid", ctx["auditInfo"]!["correlationId"]!.GetValue<string>());
        Assert.Equal("r", ctx["auditInfo"]!["subject_claims"]!["ClaimsMap"]!["role"]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => new RuleContextBuilder().With("permission", null));
    }

    [Fact]
    public void Seed_gateway_rule_allows_mcp_reader_only()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("gateway-rule.yml"));
        Assert.True(RuleEngine.Authorize(set, "/weather@get", Ctx.WithRole("mcp-reader")).Allowed);
        Assert.False(RuleEngine.Authorize(set, "/weather@get", Ctx.WithRole("guest")).Allowed);
        Assert.False(RuleEngine.Authorize(set, "/weather@get", Ctx.WithRole(null)).Allowed);
    }

    [Fact]
    public void Seed_gateway_filters_keep_open_rows_and_id_name_columns()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("gateway-filters.yml"));
        var response = JsonNode.Parse("""[{"id":1,"name":"a","status":"OPEN"},{"id":2,"name":"b","status":"CLOSED"}]""");
        var r = RuleEngine.FilterResponse(set, "/accounts@get", Ctx.WithRole("mcp-reader"), response);
        Assert.True(r.Succeeded, r.Reason);
        Assert.Equal("""[{"id":1,"name":"a"}]""", r.Response!.ToJsonString());
    }

    [Fact]
    public void Seed_cel_response_guard_sees_status_code_and_response_body()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("cel-response-guard.yml"));
        var response = JsonNode.Parse("""[{"accountType":"C"},{"accountType":"S"}]""");
        var ok = RuleEngine.FilterResponse(set, "/accounts@get", Ctx.WithRole("teller"), response);
        Assert.Equal("""[{"accountType":"C"}]""", ok.Response!.ToJsonString());

        // Guard false (status 500): the filter rule does not run, so the response is unchanged.
        var skipped = RuleEngine.FilterResponse(set, "/accounts@get", Ctx.WithRole("teller"),
            JsonNode.Parse("""[{"accountType":"S"}]"""), statusCode: 500);
        Assert.True(skipped.Succeeded);
        Assert.Equal(RuleOutcomeCode.ConditionsNotMet, skipped.Outcomes[0].Code);

        // No role claim: the guard errors on the missing key and the response is withheld.
        var failed = RuleEngine.FilterResponse(set, "/accounts@get", Ctx.WithRole(null), JsonNode.Parse("[]"));
        Assert.False(failed.Succeeded);
        Assert.Null(failed.Response);
    }

    [Fact]
    public void Reload_swaps_valid_sets_and_keeps_the_last_good_one()
    {
        var holder = new RuleSetHolder(RuleSetLoader.LoadOrThrow(YamlConfig.File("gateway-rule.yml")));
        var old = holder.Current;

        var bad = holder.Reload(YamlConfig.Parse("""
            ruleBodies: {a: {ruleId: b}}
            """));
        Assert.False(bad.IsValid);
        Assert.Same(old, holder.Current);

        var good = holder.Reload(YamlConfig.File("cel-transfer.yml"));
        Assert.True(good.IsValid);
        Assert.NotSame(old, holder.Current);
        Assert.True(RuleEngine.Authorize(old, "/weather@get", Ctx.WithRole("mcp-reader")).Allowed);
        Assert.Null(holder.Current.FindEndpoint("/weather@get"));
    }

    [Fact]
    public void Concurrent_evaluation_over_one_snapshot_is_consistent()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("fga-accounts.yml"));
        Parallel.For(0, 200, i =>
        {
            var teller = i % 2 == 0;
            var ctx = Ctx.WithRole(teller ? "teller" : "account-manager");
            var r = RuleEngine.FilterResponse(set, "/v1/accounts@get", ctx,
                JsonNode.Parse("""[{"accountNo":"1","accountType":"S","status":"A"},{"accountNo":"2","accountType":"C","status":"A"}]"""), defaultInclude: true);
            Assert.Equal(teller ? 1 : 2, r.Response!.AsArray().Count);
        });
    }
}
