using LightFabric.Cel.Tooling;

namespace LightFabric.Cel.Tests;

public sealed class CelEvalCommandTests : IDisposable
{
    private readonly string _varsPath = Path.Combine(Path.GetTempPath(), $"cel-vars-{Guid.NewGuid():N}.json");

    public CelEvalCommandTests() => File.WriteAllText(_varsPath, TestHelpers.RuleContext);

    public void Dispose() => File.Delete(_varsPath);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CelEvalCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void PrintsTheResultAndItsType()
    {
        var (code, output, _) = Run("eval", "--expr", "auditInfo.subject_claims.ClaimsMap.role in roles && toolArguments.amount < 1000", "--vars", _varsPath, "--profile", "strict");
        Assert.Equal(CelEvalCommand.Success, code);
        Assert.Contains("result: true", output);
        Assert.Contains("type: bool", output);

        (code, output, _) = Run("--expr", "toolArguments.memo + '!'", "--vars", _varsPath);
        Assert.Equal(0, code);
        Assert.Contains("result: \"rent!\"", output);
    }

    [Fact]
    public void MissingFieldsAreReportedWithPositionAndAGuardHint()
    {
        var (code, output, _) = Run("--expr", "toolArguments.amount > 1 && toolArguments.limit < 5", "--vars", _varsPath);
        Assert.Equal(CelEvalCommand.EvaluationFailed, code);
        Assert.Contains("result: error", output);
        Assert.Contains("<input>:1:43: no such key: 'limit'", output);
        Assert.Contains("^", output);
        Assert.Contains("hint: the field is missing", output);
    }

    [Fact]
    public void ProfileViolationsAndSyntaxErrorsAreCompileErrors()
    {
        var (code, _, err) = Run("--expr", "context.roles.size() > 0", "--vars", _varsPath, "--profile", "strict");
        Assert.Equal(CelEvalCommand.InvalidInput, code);
        Assert.Contains("'context' root", err);

        (code, _, err) = Run("--expr", "1 +", "--profile", "standard");
        Assert.Equal(CelEvalCommand.InvalidInput, code);
        Assert.Contains("<input>:1:4", err);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Equal(CelEvalCommand.InvalidInput, Run("--vars", _varsPath).Code);
        Assert.Equal(CelEvalCommand.InvalidInput, Run("--expr", "1", "--profile", "root").Code);
        Assert.Equal(CelEvalCommand.InvalidInput, Run("--expr", "1", "--vars", _varsPath + ".missing").Code);
        Assert.Equal(CelEvalCommand.InvalidInput, Run("--expr", "1", "--bogus").Code);
        Assert.Equal(CelEvalCommand.InvalidInput, Run("--expr").Code);
    }
}
