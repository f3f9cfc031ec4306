using LightFabric.Cel.Checking;
using LightFabric.Cel.Profiles;

namespace LightFabric.Cel.Tests;

public sealed class CheckerAndCacheTests
{
    private static CelEnvironment Typed(params (string Name, CelType Type)[] variables) => new(new CelEnvironmentOptions
    {
        TypeCheck = true,
        Variables = variables.ToDictionary(v => v.Name, v => v.Type),
    });

    [Theory]
    [InlineData("x + 1", "int")]
    [InlineData("[x, 2]", "list(int)")]
    [InlineData("{'a': s}", "map(string, string)")]
    [InlineData("m[s].size() > 0", "bool")]
    [InlineData("[1, 'a']", "list(dyn)")]
    [InlineData("[[], [1]]", "list(list(int))")]
    [InlineData("l.map(e, e * 2.0)", "list(double)")]
    [InlineData("m.?a", "optional_type(list(double))")]
    [InlineData("optional.of(x).orValue(2)", "int")]
    [InlineData("d.a.b", "dyn")]
    [InlineData("type(x)", "type(int)")]
    [InlineData("true ? x : 2", "int")]
    public void DeducesResultTypes(string expression, string expected)
    {
        var env = Typed(("x", CelType.Int), ("s", CelType.String), ("m", CelType.Map(CelType.String, CelType.List(CelType.Double))), ("l", CelType.List(CelType.Double)), ("d", CelType.Dyn));
        Assert.Equal(expected, env.Check(expression).ToString());
    }

    [Theory]
    [InlineData("x + 's'", "found no matching overload for '_+_' applied to '(int, string)'")]
    [InlineData("y", "undeclared reference to 'y'")]
    [InlineData("x.size()", "found no matching overload for 'size'")]
    [InlineData("s.f", "does not support field selection")]
    [InlineData("[1].all(e, e)", "expected type 'bool'")]
    public void ReportsTypeErrors(string expression, string message)
    {
        var ex = Assert.Throws<CelCompileException>(() => Typed(("x", CelType.Int), ("s", CelType.String)).Compile(expression));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void DeclaredFunctionsTakePartInChecking()
    {
        var env = new CelEnvironment(new CelEnvironmentOptions
        {
            TypeCheck = true,
            Functions = [new CelFunctionDeclaration("risk", "risk_string", [CelType.String], CelType.Double)],
        });
        Assert.Equal(CelType.Bool, env.Check("risk('a') > 0.5"));
    }

    [Fact]
    public void CacheReturnsTheSameProgramPerExpressionAndProfile()
    {
        var cache = new CelProgramCache(capacity: 4);
        var a = cache.GetOrCompile("1 + 1 == 2", CelProfile.Strict);
        Assert.Same(a, cache.GetOrCompile("1 + 1 == 2", CelProfile.Strict));
        var b = cache.GetOrCompile("1 + 1 == 2", CelProfile.Standard);
        Assert.NotSame(a, b);
        Assert.Equal("strict", a.Profile.Name);
        Assert.Throws<CelCompileException>(() => cache.GetOrCompile("context.x", CelProfile.Strict));
        for (var i = 0; i < 10; i++)
        {
            cache.GetOrCompile($"{i} > 0", CelProfile.Standard);
        }

        Assert.True(cache.Count <= 4);
        Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("x"u8)), CelProgramCache.KeyOf("x", CelProfile.Strict));
        cache.Clear();
        Assert.Equal(0, cache.Count);
    }
}
