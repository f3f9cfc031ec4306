using System.Text.Json.Nodes;
using LightFabric.Rules.Evaluation;

namespace LightFabric.Rules.Tests;

/// <summary>Each native operator, positive and negative, through a real rule.</summary>
public class OperatorTests
{
    private static readonly JsonObject Input = Ctx.Json("""
        {
          "name": "Alice Smith", "age": 42, "ratio": 0.5, "five": 5, "fiveText": "5", "flag": true, "nothing": null,
          "blank": "   ", "empty": "", "list": ["a", "b", 3], "emptyList": [], "obj": {"k": 1}, "emptyObj": {},
          "when": "2024-05-01T10:00:00Z", "whenMs": 1714557600000
        }
        """);

    private static RuleOutcomeCode Run(string op, string operand, string? expectedJson)
    {
        var expected = expectedJson is null ? "" : $"\n        expected: {expectedJson}";
        var yaml = $$"""
            ruleBodies:
              r:
                ruleId: r
                conditions:
                  - operatorCode: "{{op}}"
                    propertyPath: {{operand}}{{expected}}
            endpointRules:
              e@get:
                req-acc: [r]
            """;
        var set = YamlConfig.Load(yaml);
        return RuleEngine.ExecuteRule(set, "r", Input.DeepClone().AsObject()).Code;
    }

    [Theory]
    // equality: JSON types kept (5 vs "5"), numbers by value
    [InlineData("==", "five", "5", true)]
    [InlineData("==", "five", "5.0", true)]
    [InlineData("==", "five", "'5'", false)]
    [InlineData("==", "fiveText", "'5'", true)]
    [InlineData("eq", "name", "Alice Smith", true)]
    [InlineData("equals", "flag", "true", true)]
    [InlineData("EQUALS", "flag", "false", false)]
    [InlineData("==", "nothing", "null", true)]
    [InlineData("==", "list", "[a, b, 3]", true)]
    [InlineData("!=", "five", "'5'", true)]
    [InlineData("ne", "five", "5", false)]
    [InlineData("notEquals", "name", "Bob", true)]
    // ordering
    [InlineData(">", "age", "41", true)]
    [InlineData(">", "age", "42", false)]
    [InlineData("greaterThan", "ratio", "0.25", true)]
    [InlineData(">=", "age", "42", true)]
    [InlineData("gte", "age", "43", false)]
    [InlineData("<", "age", "43", true)]
    [InlineData("lessThan", "age", "42", false)]
    [InlineData("<=", "age", "42", true)]
    [InlineData("lessThanOrEqual", "age", "41", false)]
    [InlineData(">", "name", "Aaa", true)]
    // strings, lists, objects
    [InlineData("contains", "name", "Smith", true)]
    [InlineData("contains", "name", "smith", false)]
    [InlineData("contains", "list", "a", true)]
    [InlineData("contains", "list", "3", true)]
    [InlineData("contains", "list", "'3'", false)]
    [InlineData("contains", "obj", "k", true)]
    [InlineData("notContains", "name", "Bob", true)]
    [InlineData("notContains", "list", "a", false)]
    [InlineData("containsIgnoreCase", "name", "SMITH", true)]
    [InlineData("containsIgnoreCase", "name", "jones", false)]
    [InlineData("inList", "name", "[Bob, Alice Smith]", true)]
    [InlineData("inList", "five", "[1, 2]", false)]
    [InlineData("inList", "fiveText", "'4,5,6'", true)]
    [InlineData("notInList", "name", "[Bob]", true)]
    [InlineData("notInList", "age", "[42]", false)]
    [InlineData("containsAny", "list", "[x, b]", true)]
    [InlineData("containsAny", "list", "[x, y]", false)]
    [InlineData("containsAll", "list", "[a, b]", true)]
    [InlineData("containsAll", "list", "[a, x]", false)]
    [InlineData("containsNone", "list", "[x, y]", true)]
    [InlineData("containsNone", "name", "[Smith]", false)]
    [InlineData("containsAny", "name", "[Bob, Alice]", true)]
    [InlineData("matches", "name", "'^Alice\\s+S'", true)]
    [InlineData("matches", "name", "'^Bob'", false)]
    [InlineData("matches", "age", "'^4\\d$'", true)]
    [InlineData("notMatch", "name", "'^Bob'", true)]
    [InlineData("notMatch", "name", "'Smith$'", false)]
    [InlineData("startsWith", "name", "Alice", true)]
    [InlineData("startsWith", "name", "Smith", false)]
    [InlineData("endsWith", "name", "Smith", true)]
    [InlineData("endsWith", "name", "Alice", false)]
    // lengths
    [InlineData("lengthEquals", "name", "11", true)]
    [InlineData("lengthEquals", "list", "2", false)]
    [InlineData("lengthGreaterThan", "list", "2", true)]
    [InlineData("lengthGreaterThan", "obj", "1", false)]
    [InlineData("lengthLessThan", "emptyList", "1", true)]
    [InlineData("lengthLessThan", "name", "3", false)]
    [InlineData("lengthGreaterThanOrEqual", "list", "3", true)]
    [InlineData("lengthLessThanOrEqual", "list", "2", false)]
    // existence and emptiness
    [InlineData("exists", "name", null, true)]
    [InlineData("exists", "missing", null, false)]
    [InlineData("isNotNull", "nothing", null, false)]
    [InlineData("isnotnull", "age", null, true)]
    [InlineData("notExists", "missing", null, true)]
    [InlineData("isNull", "nothing", null, true)]
    [InlineData("isNull", "age", null, false)]
    [InlineData("isEmpty", "empty", null, true)]
    [InlineData("isEmpty", "emptyList", null, true)]
    [InlineData("isEmpty", "emptyObj", null, true)]
    [InlineData("isEmpty", "missing", null, true)]
    [InlineData("isEmpty", "name", null, false)]
    [InlineData("isNotEmpty", "list", null, true)]
    [InlineData("isNotEmpty", "empty", null, false)]
    [InlineData("isBlank", "blank", null, true)]
    [InlineData("isBlank", "name", null, false)]
    [InlineData("isNotBlank", "name", null, true)]
    [InlineData("isNotBlank", "blank", null, false)]
    // dates
    [InlineData("before", "when", "'2024-06-01'", true)]
    [InlineData("before", "when", "'2024-01-01T00:00:00Z'", false)]
    [InlineData("after", "when", "'2024-01-01'", true)]
    [InlineData("after", "whenMs", "'2024-06-01T00:00:00Z'", false)]
    [InlineData("on", "when", "'2024-05-01'", true)]
    [InlineData("on", "whenMs", "'2024-05-02'", false)]
    // negative operators never pass on a missing operand
    [InlineData("!=", "missing", "x", false)]
    [InlineData("notContains", "missing", "x", false)]
    [InlineData("notInList", "missing", "[x]", false)]
    public void Operator_behaves_as_named(string op, string operand, string? expected, bool passes)
    {
        var code = Run(op, operand, expected);
        Assert.Equal(passes ? RuleOutcomeCode.Passed : RuleOutcomeCode.ConditionsNotMet, code);
    }

    [Theory]
    [InlineData(">", "name", "5")]
    [InlineData("startsWith", "age", "4")]
    [InlineData("contains", "age", "4")]
    [InlineData("lengthEquals", "age", "2")]
    [InlineData("before", "name", "'2024-01-01'")]
    [InlineData("inList", "name", "5")]
    [InlineData("matches", "obj", "'k'")]
    public void Type_mismatch_is_an_error_that_fails_closed(string op, string operand, string expected) =>
        Assert.Equal(RuleOutcomeCode.Error, Run(op, operand, expected));
}
