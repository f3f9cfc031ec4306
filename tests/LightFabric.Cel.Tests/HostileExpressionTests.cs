using System.Diagnostics;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Tests.TestHelpers;

namespace LightFabric.Cel.Tests;

/// <summary>Expressions written to exhaust time, memory or stack must fail cleanly and quickly.</summary>
public sealed class HostileExpressionTests
{
    [Fact]
    public void RunawayComprehensionsHitTheCostBudget()
    {
        var result = Eval("lists.range(1000).all(x, lists.range(1000).all(y, lists.range(1000).all(z, true)))", CelProfile.InternalAdmin);
        Assert.Contains("cost budget", Show(result));

        var standard = Eval("lists.range(1000).exists(x, lists.range(1000).exists(y, x + y < 0))", CelProfile.Standard);
        Assert.Contains("cost budget", Show(standard));
    }

    [Fact]
    public void ExponentialMapChainsHitTheStringLimit()
    {
        var expression = "['foo', 'bar']" + string.Concat(Enumerable.Repeat(".map(x, x + x + x)", 30));
        var sw = Stopwatch.StartNew();
        var result = Eval(expression, CelProfile.InternalAdmin with { MaxComprehensionNesting = 40, MaxDepth = 400 });
        Assert.Contains("string or bytes value exceeds", Show(result));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
    }

    [Fact]
    public void HugeListsAndStringsHitSizeLimits()
    {
        Assert.Contains("items", Show(Eval("lists.range(1001).map(x, x).size() > 0", CelProfile.Strict with { AllowedFunctions = null })));
        Assert.Contains("items", Show(Eval("lists.range(20000) + [1]", CelProfile.Standard)));

        var doubling = "cel.bind(s, 'xxxxxxxxxxxxxxxx', " + string.Concat(Enumerable.Repeat("cel.bind(s, s + s, ", 30)) + "size(s)" + new string(')', 31);
        Assert.Contains("string or bytes value exceeds", Show(Eval(doubling, CelProfile.Standard)));
        Assert.Contains("string or bytes value exceeds", Show(Eval("'ab'.replace('', '" + new string('y', 900) + "').replace('y', '" + new string('z', 900) + "')", CelProfile.Standard)));
    }

    [Fact]
    public void CatastrophicRegexRunsInLinearTime()
    {
        var text = new string('a', 20_000) + "!";
        var sw = Stopwatch.StartNew();
        var result = Eval($"'{text}'.matches('^(a+)+$') || '{text}'.matches('(a|aa)*b') || '{text}'.matches('(.*a){20}$')", CelProfile.InternalAdmin);
        Assert.Equal("false", Show(result));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Theory]
    [InlineData("'x'.matches('(a)\\\\1')", "backreferences")]
    [InlineData("'x'.matches('(?=x)')", "lookaround")]
    [InlineData("'x'.matches('(?>x)')", "atomic")]
    [InlineData("'x'.matches('a{5000}')", "repeat count")]
    [InlineData("'x'.matches('[')", "invalid regular expression")]
    public void UnsupportedRegexConstructsAreErrors(string expression, string message) =>
        Assert.Contains(message, Show(Eval(expression, CelProfile.InternalAdmin)));

    [Fact]
    public void Re2SyntaxIsTranslated()
    {
        Assert.Equal("true", Show(Eval("'ab12'.matches('^(?P<word>[[:alpha:]]+)\\\\d{2}$') && 'a.b'.matches('\\\\Qa.b\\\\E') && !'a\\n'.matches('a$')")));
    }

    [Fact]
    public void DeepRuntimeRecursionIsBoundedByTheParser()
    {
        var nested = string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200));
        Assert.Throws<CelCompileException>(() => CelEnvironment.ForProfile(CelProfile.Standard).Compile(nested));
        Assert.Equal("1", Show(Eval("size(" + nested + ")", CelProfile.InternalAdmin)));
    }
}
