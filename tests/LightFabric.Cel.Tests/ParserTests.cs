using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Tests.TestHelpers;

namespace LightFabric.Cel.Tests;

public sealed class ParserTests
{
    [Fact]
    public void SyntaxErrorsReportLineColumnAndCaret()
    {
        var ex = Assert.Throws<CelCompileException>(() => CelEnvironment.ForProfile(CelProfile.Standard).Compile("a &&\n  (b || )"));
        var issue = Assert.Single(ex.Issues);
        Assert.Equal(2, issue.Line);
        Assert.Equal(9, issue.Column);
        Assert.Contains("<input>:2:9:", ex.Message);
        Assert.Contains("  (b || )", ex.Message);
        Assert.Contains(" | ........^", ex.Message);
    }

    [Theory]
    [InlineData("if")]
    [InlineData("while + 1")]
    [InlineData("package.x")]
    public void ReservedWordsAreNotIdentifiers(string expression)
    {
        var ex = Assert.Throws<CelCompileException>(() => CelEnvironment.ForProfile(CelProfile.Standard).Compile(expression));
        Assert.Contains("reserved identifier", ex.Message);
    }

    [Theory]
    [InlineData("'\\xZZ'")]
    [InlineData("\"unterminated")]
    [InlineData("b'\\u00ff'")]
    [InlineData("'\\uD800'")]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551616u")]
    [InlineData("1 = 1")]
    [InlineData("has(a)")]
    [InlineData("[1].all(1, true)")]
    [InlineData("{'in': 1}.in")]
    [InlineData("m.true()")]
    [InlineData("f(1,)")]
    public void InvalidLiteralsAndMacroArgumentsAreCompileErrors(string expression) =>
        Assert.Throws<CelCompileException>(() => CelEnvironment.ForProfile(CelProfile.Standard).Compile(expression));

    [Theory]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("0x7fffffffffffffff", "9223372036854775807")]
    [InlineData("0xFFFFFFFFFFFFFFFFu", "18446744073709551615")]
    [InlineData(".5 + 1e3 + 2.5e-1", "1000.75")]
    [InlineData("r'\\d+' + \"\"\"a\nb\"\"\"", "\\d+a\nb")]
    [InlineData("'\\uD83D\\uDE00' == '\\U0001F600'", "true")]
    [InlineData("b'\\377'.size()", "1")]
    [InlineData("{'a': 1}.`a`", "1")]
    [InlineData("{'in': 1}.`in` + {'if': 2}.if", "3")]
    [InlineData("1 + 2 * 3 - 4 / 2 % 3", "5")]
    [InlineData("true || false && false", "true")]
    [InlineData("false ? 1 : true ? 2 : 3", "2")]
    [InlineData("!!true", "true")]
    [InlineData("1 < 2 == true", "true")]
    [InlineData("// comment\n 7", "7")]
    public void ParsesLiteralsAndPrecedence(string expression, string expected) => Assert.Equal(expected, Show(Eval(expression)));

    [Fact]
    public void NestingBeyondTheLimitIsRejectedWithoutStackOverflow()
    {
        var deep = new string('(', 100_000) + "1" + new string(')', 100_000);
        var env = CelEnvironment.ForProfile(CelProfile.InternalAdmin with { MaxExpressionBytes = 1_000_000 });
        var ex = Assert.Throws<CelCompileException>(() => env.Compile(deep));
        Assert.Contains("nesting exceeds", ex.Message);

        var selects = "a" + string.Concat(Enumerable.Repeat(".b", 50_000));
        Assert.Contains("nesting exceeds", Assert.Throws<CelCompileException>(() => env.Compile(selects)).Message);

        var sums = string.Join(" + ", Enumerable.Repeat("1", 20_000));
        Assert.Contains("nesting exceeds", Assert.Throws<CelCompileException>(() => env.Compile(sums)).Message);
    }

    [Fact]
    public void LongLogicalChainsAreBalancedAndAccepted()
    {
        var chain = string.Join(" && ", Enumerable.Repeat("true", 5_000)) + " && false";
        Assert.Equal("false", Show(Eval(chain)));
    }

    [Fact]
    public void ExpressionSizeAndNodeCountAreLimited()
    {
        var strict = CelEnvironment.ForProfile(CelProfile.Strict);
        Assert.Contains("bytes", Assert.Throws<CelCompileException>(() => strict.Compile("'" + new string('x', 5000) + "'")).Message);
        var many = "[" + string.Join(",", Enumerable.Repeat("1", 600)) + "]";
        Assert.Contains("nodes", Assert.Throws<CelCompileException>(() => strict.Compile(many)).Message);
    }

    [Fact]
    public void ComprehensionNestingIsLimited()
    {
        var env = CelEnvironment.ForProfile(CelProfile.Standard);
        env.Compile("[1].all(x, [2].exists(y, y > x))");
        var ex = Assert.Throws<CelCompileException>(() => env.Compile("[1].all(x, [2].all(y, [3].all(z, z > y)))"));
        Assert.Contains("comprehension nesting", ex.Message);
    }
}
