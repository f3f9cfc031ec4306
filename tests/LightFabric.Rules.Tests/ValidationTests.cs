using System.Text.Json.Nodes;
using LightFabric.Rules.Loading;

namespace LightFabric.Rules.Tests;

public class ValidationTests
{
    private static RuleSetLoadResult Load(string yaml, RuleEngineOptions? options = null) =>
        RuleSetLoader.Load(YamlConfig.Parse(yaml), options: options);

    [Fact]
    public void Every_problem_is_reported_with_its_key()
    {
        var r = Load("""
            ruleBodies:
              wrongKey:
                ruleId: otherId
                ruleType: req-acx
                conditions:
                  - {operatorCode: isBiggerThan, propertyPath: a}
                  - {operatorCode: equals, propertyPath: "a..b", expected: 1}
                  - {operatorCode: equals, propertyPath: a, expected: 1, joinCode: XOR}
                  - {operatorCode: matches, propertyPath: a, expected: "(unclosed"}
                  - {operatorCode: equals, propertyPath: a}
                  - {propertyPath: a}
                actions:
                  - actionClassName: com.example.NoSuchAction
                  - actionId: x
              noId:
                ruleName: no id
              cel:
                ruleId: cel
                conditionLanguage: cel
                conditions: [{operatorCode: exists, propertyPath: a}]
              native:
                ruleId: native
                conditionLanguage: native
                expression: "true"
              lang:
                ruleId: lang
                conditionLanguage: lua
              prof:
                ruleId: prof
                conditionLanguage: cel
                conditionSecurityProfile: superuser
                expression: "true"
            endpointRules:
              /v1/pets@get:
                req-acx: [wrongKey]
                req-acc: [missingRule]
                res-fil: [cel]
            """);

        Assert.False(r.IsValid);
        var keys = r.Errors.Select(e => e.Key).ToList();
        Assert.Contains("ruleBodies.wrongKey.ruleId", keys);
        Assert.Contains("ruleBodies.wrongKey.ruleType", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[0].operatorCode", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[1].propertyPath", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[2].joinCode", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[3].expected", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[4].expected", keys);
        Assert.Contains("ruleBodies.wrongKey.conditions[5].operatorCode", keys);
        Assert.Contains("ruleBodies.wrongKey.actions[0].actionClassName", keys);
        Assert.Contains("ruleBodies.wrongKey.actions[1].actionClassName", keys);
        Assert.Contains("ruleBodies.noId.ruleId", keys);
        Assert.Contains("ruleBodies.cel.expression", keys);
        Assert.Contains("ruleBodies.cel.conditions", keys);
        Assert.Contains("ruleBodies.native.expression", keys);
        Assert.Contains("ruleBodies.lang.conditionLanguage", keys);
        Assert.Contains("ruleBodies.prof.conditionSecurityProfile", keys);
        Assert.Contains("endpointRules./v1/pets@get.req-acx", keys);
        Assert.Contains("endpointRules./v1/pets@get.req-acc[0]", keys);
        Assert.Contains(r.Errors, e => e.Key == "ruleBodies.wrongKey.ruleId" && e.Message.Contains("'wrongKey'"));
        Assert.Contains(r.Errors, e => e.Key == "endpointRules./v1/pets@get.req-acx" && e.Message.Contains("x-"));
    }

    [Theory]
    [InlineData("req-acc")]
    [InlineData("res-fil")]
    [InlineData("req-tra")]
    [InlineData("res-tra")]
    [InlineData("access-control")]
    [InlineData("x-foo")]
    public void Known_and_custom_phases_load(string phase)
    {
        var r = Load($$"""
            ruleBodies:
              r: {ruleId: r}
            endpointRules:
              /a@get:
                {{phase}}: [r]
                permission: {roles: a}
            """);
        Assert.True(r.IsValid, string.Join("; ", r.Errors));
        Assert.Equal(["r"], r.RuleSet!.Endpoints["/a@get"].RulesFor(phase));
    }

    [Fact]
    public void Values_may_arrive_as_json_strings()
    {
        var config = new JsonObject
        {
            ["ruleBodies"] = """{"r":{"ruleId":"r","conditions":[{"operatorCode":"exists","propertyPath":"roles"}]}}""",
            ["endpointRules"] = """{"/a@get":{"req-acc":"[\"r\"]","permission":"{\"roles\":\"a b\"}"}}""",
        };
        var set = RuleSetLoader.LoadOrThrow(config);
        Assert.Equal(["r"], set.Endpoints["/a@get"].RulesFor("req-acc"));
        Assert.Equal("a b", set.Endpoints["/a@get"].Permission!["roles"]!.GetValue<string>());
    }

    [Fact]
    public void Empty_values_load_as_an_empty_rule_set()
    {
        var set = RuleSetLoader.LoadOrThrow(new JsonObject { ["ruleBodies"] = "", ["endpointRules"] = "{}" });
        Assert.Empty(set.Rules);
        Assert.Empty(set.Endpoints);
    }

    [Fact]
    public void Invalid_json_string_is_an_error_with_its_key()
    {
        var r = RuleSetLoader.Load(new JsonObject { ["endpointRules"] = "{not json" });
        Assert.Equal("endpointRules", Assert.Single(r.Errors).Key);
    }

    [Fact]
    public void Unknown_fields_warn_by_default_and_fail_when_strict()
    {
        const string yaml = """
            ruleBodies:
              r: {ruleId: r, colour: blue, conditions: [{operatorCode: exists, propertyPath: a, weight: 3}]}
            endpointRules:
              /a@get: {req-acc: [r]}
            """;
        var lenient = Load(yaml);
        Assert.True(lenient.IsValid);
        Assert.Contains(lenient.Warnings, w => w.Key == "ruleBodies.r.colour");
        Assert.Contains(lenient.Warnings, w => w.Key == "ruleBodies.r.conditions[0].weight");

        var strict = Load(yaml, new RuleEngineOptions { RejectUnknownFields = true });
        Assert.False(strict.IsValid);
        Assert.Equal(2, strict.Errors.Count);
    }

    [Fact]
    public void Load_or_throw_lists_every_error()
    {
        var e = Assert.Throws<RuleConfigException>(() => RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              a: {ruleId: b}
            endpointRules:
              /x@get: {req-acx: [a]}
            """)));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("ruleBodies.a.ruleId", e.Message);
        Assert.Contains("endpointRules./x@get.req-acx", e.Message);
    }

    [Fact]
    public void Rule_metadata_is_kept()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              r: {ruleId: r, ruleName: R, ruleDesc: d, ruleType: req-acc, host: h, priority: 3, version: 1.0.1, author: me, updatedAt: "2024-01-01", common: Y}
            """);
        var r = set.Rules["r"];
        Assert.Equal(("R", "d", "req-acc", "h", 3, "1.0.1", "me", "Y"), (r.RuleName, r.Description, r.RuleType, r.Host, r.Priority, r.Version, r.Author, r.Common));
    }
}
