using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Tests;

public class CelConditionTests
{
    [Theory]
    [InlineData("teller", 500, null, true)]
    [InlineData("teller", 5000, null, false)]
    [InlineData("teller", 5000, "transfer.approve", true)]
    [InlineData("guest", 10, "transfer.approve", false)]
    public void Seed_transfer_rule_allows_per_inputs(string role, int amount, string? scope, bool allowed)
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("cel-transfer.yml"));
        var claims = Ctx.Json($$"""{"scope":[{{(scope is null ? "" : $"\"{scope}\"")}}]}""");
        var ctx = Ctx.WithRole(role, Ctx.Json($$"""{"amount":{{amount}}}"""), claims);
        var decision = RuleEngine.Authorize(set, "/transfer@post", ctx);
        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal("/transfer@post", decision.EndpointKey);
        Assert.Equal("allowApprovedTransfer", decision.RuleId);
    }

    [Fact]
    public void Operator_code_cel_alias_is_normalized_to_a_rule_level_expression()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.File("cel-alias.yml"));
        var rule = set.Rules["approverOrSmall"];
        Assert.Equal(ConditionLanguage.Cel, rule.ConditionLanguage);
        Assert.Contains("context.toolArguments.amount", rule.Expression);
        Assert.Empty(rule.Conditions);
        Assert.Equal("standard", rule.EffectiveProfile);

        Assert.True(RuleEngine.Authorize(set, "/transfer@post", Ctx.WithRole("x", Ctx.Json("""{"amount":10}"""))).Allowed);
        Assert.False(RuleEngine.Authorize(set, "/transfer@post", Ctx.WithRole("x", Ctx.Json("""{"amount":10000}"""))).Allowed);
    }

    [Fact]
    public void Missing_field_is_an_error_distinct_from_false_and_denies()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r:
                ruleId: r
                conditionLanguage: cel
                expression: toolArguments.limit < 5
            endpointRules:
              e@call: {req-acc: [r]}
            """);
        var decision = RuleEngine.Authorize(set, "e@call", Ctx.WithRole("a", Ctx.Json("""{"amount":1}""")));
        Assert.False(decision.Allowed);
        Assert.Equal(RuleDecisionCode.Error, decision.Code);
        Assert.Equal(RuleOutcomeCode.Error, decision.Outcomes[0].Code);
        Assert.Contains("limit", decision.Reason);

        var falseDecision = RuleEngine.Authorize(set, "e@call", Ctx.WithRole("a", Ctx.Json("""{"limit":9}""")));
        Assert.Equal(RuleDecisionCode.Denied, falseDecision.Code);
        Assert.Equal(RuleOutcomeCode.ConditionsNotMet, falseDecision.Outcomes[0].Code);
    }

    [Fact]
    public void Non_bool_result_fails_closed()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r: {ruleId: r, conditionLanguage: cel, expression: "toolArguments.amount + 1"}
            endpointRules:
              e@call: {req-acc: [r]}
            """);
        var d = RuleEngine.Authorize(set, "e@call", Ctx.WithRole("a", Ctx.Json("""{"amount":1}""")));
        Assert.False(d.Allowed);
        Assert.Equal(RuleDecisionCode.Error, d.Code);
    }

    [Fact]
    public void Strict_has_no_context_root_and_no_regex_standard_has_both()
    {
        var strict = RuleSetLoader.Load(YamlConfig.Parse("""
            ruleBodies:
              a: {ruleId: a, conditionLanguage: cel, conditionSecurityProfile: strict, expression: "context.toolArguments.amount < 5"}
              b: {ruleId: b, conditionLanguage: cel, expression: "toolName.matches('^a')"}
            """));
        Assert.False(strict.IsValid);
        Assert.Contains(strict.Errors, e => e.Key == "ruleBodies.a.expression" && e.Message.Contains("context"));
        Assert.Contains(strict.Errors, e => e.Key == "ruleBodies.b.expression" && e.Message.Contains("matches"));

        var standard = YamlConfig.Load("""
            ruleBodies:
              a: {ruleId: a, conditionLanguage: cel, conditionSecurityProfile: standard, expression: "context.toolArguments.amount < 5 && toolName.matches('^t')"}
            endpointRules:
              e@call: {req-acc: [a]}
            """);
        Assert.True(RuleEngine.ExecuteRule(standard, "a", Ctx.WithRole("r", Ctx.Json("""{"amount":1}"""))).Passed);
    }

    [Fact]
    public void Internal_admin_above_the_runtime_maximum_is_rejected()
    {
        var r = RuleSetLoader.Load(YamlConfig.Parse("""
            ruleBodies:
              a: {ruleId: a, conditionLanguage: cel, conditionSecurityProfile: internal-admin, expression: "true"}
            """));
        var e = Assert.Single(r.Errors);
        Assert.Equal("ruleBodies.a.conditionSecurityProfile", e.Key);
        Assert.Contains("weaker", e.Message);
    }

    [Fact]
    public void Response_phase_rules_run_strict_even_when_standard_is_requested()
    {
        var r = RuleSetLoader.Load(YamlConfig.Parse("""
            ruleBodies:
              a: {ruleId: a, ruleType: res-fil, conditionLanguage: cel, conditionSecurityProfile: standard, expression: "context.statusCode == 200"}
            """));
        Assert.Contains(r.Errors, e => e.Key == "ruleBodies.a.expression" && e.Message.Contains("strict"));

        var ok = YamlConfig.Load("""
            ruleBodies:
              a: {ruleId: a, ruleType: res-fil, conditionLanguage: cel, conditionSecurityProfile: standard, expression: "statusCode == 200"}
            """);
        Assert.Equal("strict", ok.Rules["a"].EffectiveProfile);
    }

    [Fact]
    public void Mixed_native_and_cel_rows_join_left_to_right()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - {operatorCode: equals, propertyPath: toolName, expected: nope}
                  - {operatorCode: cel, expected: "toolArguments.amount > 3", joinCode: OR}
            """);
        Assert.True(RuleEngine.ExecuteRule(set, "r", Ctx.WithRole("x", Ctx.Json("""{"amount":4}"""))).Passed);
        Assert.False(RuleEngine.ExecuteRule(set, "r", Ctx.WithRole("x", Ctx.Json("""{"amount":2}"""))).Passed);
    }

    [Fact]
    public void Invalid_cel_is_reported_at_load_with_rule_language_and_position()
    {
        var r = RuleSetLoader.Load(YamlConfig.Parse("""
            ruleBodies:
              bad: {ruleId: bad, conditionLanguage: cel, expression: "(a || )"}
            """));
        var e = Assert.Single(r.Errors);
        Assert.Equal("ruleBodies.bad.expression", e.Key);
        Assert.Contains("rule 'bad'", e.Message);
        Assert.Contains("cel", e.Message);
        Assert.Contains("1:", e.Message);
    }
}
