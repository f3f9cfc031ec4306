using LightFabric.Cel.Profiles;
using static LightFabric.Cel.Tests.TestHelpers;

namespace LightFabric.Cel.Tests;

public sealed class ProfileTests
{
    [Theory]
    [InlineData("context.toolArguments.amount < 1000", "'context' root")]
    [InlineData("toolArguments.memo.matches('^r')", "function 'matches' is not allowed")]
    [InlineData("timestamp('2024-01-01T00:00:00Z') > timestamp(0)", "function 'timestamp' is not allowed")]
    [InlineData("math.greatest(1, 2) == 2", "function 'math.greatest' is not allowed")]
    [InlineData("secrets.apiKey != ''", "variable 'secrets' is not allowed")]
    [InlineData("roles.all(r, roles.exists(s, s == r))", "comprehension nesting")]
    public void StrictRejectsWhatItDoesNotAllow(string expression, string message)
    {
        var ex = Assert.Throws<CelCompileException>(() => CelEnvironment.ForProfile(CelProfile.Strict).Compile(expression));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("auditInfo.subject_claims.ClaimsMap.role in roles && toolArguments.amount < 1000")]
    [InlineData("size(roles) > 1 && headers['x-tenant'].startsWith('ac') && contains_ignore_case(toolArguments.memo, 'RENT')")]
    [InlineData("roles.exists(r, r == 'approver') && int(toolArguments.amount) < 1000")]
    [InlineData("statusCode == 200 && responseBody != '' && auditInfo.subject_claims.ClaimsMap.role != null")]
    public void StrictAllowsCuratedRootsAndApprovedHelpers(string expression)
    {
        var program = CelEnvironment.ForProfile(CelProfile.Strict).Compile(expression);
        Assert.True(program.EvaluateCondition(program.CreateActivation(Json(RuleContext))));
    }

    [Fact]
    public void StandardExposesContextRootAndAliasesAndBoundedRegex()
    {
        var program = CelEnvironment.ForProfile(CelProfile.Standard).Compile(
            "context.toolArguments.amount == toolArguments.amount && toolArguments.memo.matches('^re') && timestamp('2024-01-01T00:00:00Z') > timestamp(0)");
        Assert.True(program.EvaluateCondition(program.CreateActivation(Json(RuleContext))));
    }

    [Fact]
    public void StrictActivationHidesUncuratedMembers()
    {
        var activation = CelContext.FromJson(Json("""{"auditInfo": {}, "secrets": {"k": 1}}"""), CelProfile.Strict);
        Assert.False(activation.TryResolve("secrets", out _));
        Assert.False(activation.TryResolve("context", out _));
        Assert.True(activation.TryResolve("auditInfo", out _));
    }

    [Fact]
    public void EffectiveProfileIsTheStricterOfRequestedAndMaximum()
    {
        Assert.Same(CelProfile.Strict, CelProfile.Effective(CelProfile.InternalAdmin, CelProfile.Strict));
        Assert.Same(CelProfile.Strict, CelProfile.Effective(CelProfile.Strict, CelProfile.InternalAdmin));
        Assert.Same(CelProfile.Standard, CelProfile.Effective(null, CelProfile.Standard));
        Assert.Throws<ArgumentException>(() => CelProfile.Effective(CelProfile.InternalAdmin, CelProfile.Standard, rejectAboveMaximum: true));
        Assert.Same(CelProfile.InternalAdmin, CelProfile.FromName("internal-admin"));
        Assert.Null(CelProfile.FromName("root"));
    }

    [Fact]
    public void ContextSizeIsLimitedByProfile()
    {
        var big = "{\"toolArguments\": {\"blob\": \"" + new string('x', CelProfile.Strict.MaxContextBytes) + "\"}}";
        var ex = Assert.Throws<ArgumentException>(() => CelContext.FromJson(Json(big), CelProfile.Strict));
        Assert.Contains("strict", ex.Message);
        CelContext.FromJson(Json(big), CelProfile.Standard);
    }
}
