using LightFabric.Rules.Evaluation;

namespace LightFabric.Rules.Tests;

/// <summary><c>A AND B OR C</c> is <c>(A AND B) OR C</c>: rows join the accumulated result left to right.</summary>
public class JoinOrderTests
{
    private static bool Eval(bool a, bool b, string joinB, bool c, string joinC)
    {
        var yaml = $$"""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - {operatorCode: equals, propertyPath: a, expected: true}
                  - {operatorCode: equals, propertyPath: b, expected: true, joinCode: {{joinB}}}
                  - {operatorCode: equals, propertyPath: c, expected: true, joinCode: {{joinC}}}
            endpointRules:
              e@get: {req-acc: [r]}
            """;
        var set = YamlConfig.Load(yaml);
        var ctx = Ctx.Json($$"""{"a":{{(a ? "true" : "false")}},"b":{{(b ? "true" : "false")}},"c":{{(c ? "true" : "false")}}}""");
        return RuleEngine.ExecuteRule(set, "r", ctx).Passed;
    }

    [Theory]
    [InlineData(false, true, true, true)]   // (F AND T) OR T = T; F AND (T OR T) would be F
    [InlineData(true, false, false, false)] // (T AND F) OR F = F
    [InlineData(true, true, false, true)]
    [InlineData(false, false, true, true)]
    [InlineData(false, false, false, false)]
    public void And_then_or_is_left_to_right(bool a, bool b, bool c, bool expected) =>
        Assert.Equal(expected, Eval(a, b, "AND", c, "OR"));

    [Theory]
    [InlineData(true, false, false, false)]  // (T OR F) AND F = F; T OR (F AND F) would be T
    [InlineData(false, true, true, true)]
    [InlineData(true, false, true, true)]
    public void Or_then_and_is_left_to_right(bool a, bool b, bool c, bool expected) =>
        Assert.Equal(expected, Eval(a, b, "or", c, "and"));

    [Fact]
    public void Missing_join_code_means_and()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - {operatorCode: exists, propertyPath: a}
                  - {operatorCode: exists, propertyPath: b}
            endpointRules:
              e@get: {req-acc: [r]}
            """);
        Assert.False(RuleEngine.ExecuteRule(set, "r", Ctx.Json("""{"a":1}""")).Passed);
        Assert.True(RuleEngine.ExecuteRule(set, "r", Ctx.Json("""{"a":1,"b":2}""")).Passed);
    }

    [Fact]
    public void The_outcome_names_the_condition_that_failed()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - {operatorCode: exists, propertyPath: a}
                  - {operatorCode: equals, propertyPath: auditInfo.subject_claims.ClaimsMap.role, expected: admin}
            endpointRules:
              e@get: {req-acc: [r]}
            """);
        var outcome = RuleEngine.ExecuteRule(set, "r", Ctx.Json("""{"a":1,"auditInfo":{"subject_claims":{"ClaimsMap":{"role":"guest"}}}}"""));
        Assert.Equal(RuleOutcomeCode.ConditionsNotMet, outcome.Code);
        Assert.Equal(1, outcome.ConditionIndex);
        Assert.Contains("auditInfo.subject_claims.ClaimsMap.role", outcome.Reason);
    }
}
