using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Tests.TestHelpers;

namespace LightFabric.Cel.Tests;

public sealed class EvaluationTests
{
    [Theory]
    [InlineData("9223372036854775807 + 1", "error: return error for overflow")]
    [InlineData("18446744073709551615u * 2u", "error: return error for overflow")]
    [InlineData("7 / 0", "error: division by zero")]
    [InlineData("7 % 0", "error: modulus by zero")]
    [InlineData("1 / 0 == 1 || true", "true")]
    [InlineData("false && 1 / 0 == 1", "false")]
    [InlineData("1 / 0 == 1 && true", "error: division by zero")]
    [InlineData("1 == 1.0 && 1u == 1 && 2.5 > 2", "true")]
    [InlineData("[1, 2u, 3.0] == [1.0, 2, 3u]", "true")]
    [InlineData("{1: 'a'}[1u] + {1u: 'b'}[1.0]", "ab")]
    [InlineData("'z' < 'ü' && size('héllo😀') == 6", "true")]
    [InlineData("duration('1h30m') + timestamp('2024-01-01T00:00:00Z')", "2024-01-01T01:30:00Z")]
    [InlineData("timestamp('2024-03-10T12:00:00Z').getHours('America/New_York')", "8")]
    [InlineData("type(1u) == uint && type(type(1)) == type", "true")]
    [InlineData("[1, 2, 3].map(x, x * 10).filter(y, y > 10)", "[20, 30]")]
    [InlineData("[1, 2, 3].exists_one(x, x == 2) && [1, 2].all(i, v, v > i)", "true")]
    [InlineData("cel.bind(s, 'ab', s + s)", "abab")]
    [InlineData("{'a': {'b': 1}}.?a.?b.orValue(0) + {'a': 1}.?z.orValue(5)", "6")]
    [InlineData("[?optional.none(), ?optional.of(1)]", "[1]")]
    [InlineData("'Hello, World'.lowerAscii().split(', ').join('|')", "hello|world")]
    [InlineData("'%s has %d items costing %.2f'.format(['cart', 3, 9.5])", "cart has 3 items costing 9.50")]
    [InlineData("'abc-123'.matches('^[a-z]+-\\\\d{3}$')", "true")]
    [InlineData("math.greatest(1, 2.5, 3u) == 3u && math.abs(-2) == 2", "true")]
    [InlineData("base64.decode(base64.encode(b'hi')) == b'hi'", "true")]
    [InlineData("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", "true")]
    [InlineData("contains_ignore_case('Approver', 'PROV') && 'Approver'.containsIgnoreCase('rov')", "true")]
    [InlineData("in_list('teller', ['teller', 'approver']) && !in_list('x', [])", "true")]
    [InlineData("contains_any(['a', 'b'], ['z', 'b']) && contains_all('transfer.approve', ['transfer', 'approve'])", "true")]
    [InlineData("{'a': 1}.b", "error: no such key: 'b'")]
    [InlineData("[1][3]", "error: index out of range: 3")]
    [InlineData("'a' + 1", "error: no such overload: _+_(string, int)")]
    [InlineData("unknown_fn(1)", "error: no such overload: unknown function 'unknown_fn'")]
    public void EvaluatesPerSpecification(string expression, string expected) => Assert.Equal(expected, Show(Eval(expression)));

    [Fact]
    public void EvaluatesTheSeedRuleOverJson()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Strict).Compile(
            "auditInfo.subject_claims.ClaimsMap.role in roles && (toolArguments.amount < 1000 || \"transfer.approve\" in auditInfo.subject_claims.ClaimsMap.scope)");
        var activation = program.CreateActivation(Json(RuleContext));
        Assert.True(program.EvaluateCondition(activation));
        Assert.True(program.EvaluateCondition(activation));

        var denied = program.CreateActivation(Json("""{"auditInfo": {"subject_claims": {"ClaimsMap": {"role": "guest", "scope": []}}}, "toolArguments": {"amount": 5}, "roles": ["teller"]}"""));
        Assert.False(program.EvaluateCondition(denied));
    }

    [Fact]
    public void MissingFieldsAreErrorsThatGuardsAvoid()
    {
        var env = CelEnvironment.ForProfile(CelProfile.Standard);
        var activation = CelContext.FromJson(Json("""{"auditInfo": {"subject_claims": {"ClaimsMap": {}}}}"""), CelProfile.Standard);
        var bare = env.Compile("auditInfo.subject_claims.ClaimsMap.role == 'admin'").Evaluate(activation);
        Assert.Equal("error: no such key: 'role'", Show(bare));
        var guarded = env.Compile("'role' in auditInfo.subject_claims.ClaimsMap && auditInfo.subject_claims.ClaimsMap.role == 'admin'").Evaluate(activation);
        Assert.Equal("false", Show(guarded));
        Assert.Equal("false", Show(env.Compile("has(auditInfo.subject_claims.ClaimsMap.role)").Evaluate(activation)));
        Assert.Throws<CelEvaluationException>(() => env.Compile("auditInfo.nope").EvaluateCondition(activation));
    }

    [Fact]
    public void JsonNumbersBecomeIntOrDouble()
    {
        var activation = CelContext.FromJson(Json("""{"a": 3, "b": 2.5, "c": 1e300, "d": null, "e": [true, "x"]}"""), CelProfile.Standard);
        var env = CelEnvironment.ForProfile(CelProfile.Standard);
        Assert.Equal("true", Show(env.Compile("type(a) == int && type(b) == double && type(c) == double && d == null && e[1] == 'x'").Evaluate(activation)));
        Assert.Equal("true", Show(env.Compile("context.a == 3 && size(context) == 5").Evaluate(activation)));
    }

    [Fact]
    public void PlainDotNetAndJsonNodeValuesAreAccepted()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile("user.name + ':' + string(user.level) + ':' + string(size(tags)) + ':' + string(node.k[1])");
        var result = program.Evaluate(new Dictionary<string, object?>
        {
            ["user"] = new Dictionary<string, object?> { ["name"] = "ada", ["level"] = 3L },
            ["tags"] = new[] { "a", "b" },
            ["node"] = JsonNode.Parse("""{"k": [1, 2]}"""),
        });
        Assert.Equal("ada:3:2:2", Show(result));
    }

    [Fact]
    public void HostValuesAreConvertedOnlyWhenRead()
    {
        // A value CEL cannot represent is fine as long as the expression never reads it.
        var input = new Dictionary<string, object?> { ["used"] = 41L, ["unused"] = new IntPtr(1) };
        var node = JsonNode.Parse("""{"a": {"b": [1, {"c": "deep"}]}, "big": [1, 2, 3]}""");
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile("input.used + 1 == 42 && node.a.b[1].c == 'deep'");
        Assert.Equal("true", Show(program.Evaluate(new Dictionary<string, object?> { ["input"] = input, ["node"] = node })));
        var touchesUnsupported = CelEnvironment.ForProfile(CelProfile.Standard).Compile("input.unused == 1");
        Assert.Contains("cannot be used in CEL", Show(touchesUnsupported.Evaluate(new Dictionary<string, object?> { ["input"] = input })));
    }

    private sealed record Claims(string Role, IReadOnlyList<string> Scope, int Level);

    [Fact]
    public void RecordsExposeTheirPublicProperties()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile("claims.Role == 'teller' && 'b' in claims.Scope && claims.Level > 2 && !has(claims.Missing)");
        Assert.Equal("true", Show(program.Evaluate(new Dictionary<string, object?> { ["claims"] = new Claims("teller", ["a", "b"], 3) })));
    }

    [Fact]
    public void QualifiedVariableNamesResolveLongestFirst()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile("a.b.c");
        var activation = CelActivation.FromVariables([
            new("a.b", new Dictionary<string, object?> { ["c"] = "from a.b" }),
            new("a", new Dictionary<string, object?> { ["b"] = new Dictionary<string, object?> { ["c"] = "from a" } }),
        ]);
        Assert.Equal("from a.b", Show(program.Evaluate(activation)));

        var contained = new CelEnvironment(new CelEnvironmentOptions { Container = "x.y", Profile = CelProfile.Standard }).Compile("z");
        Assert.Equal("1", Show(contained.Evaluate(CelActivation.FromVariables([new("x.z", 1L)]))));
    }

    [Fact]
    public void ProgramsAreThreadSafe()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile("[1, 2, 3].map(x, x * n).exists(y, y == 3 * n) && toolArguments.amount < 1000");
        var context = Json(RuleContext);
        Parallel.For(0, 2000, i =>
        {
            var activation = CelActivation.FromVariables([new("n", (long)i), new("toolArguments", context.GetProperty("toolArguments"))]);
            Assert.Equal("true", Show(program.Evaluate(activation)));
        });
    }
}
