namespace LightFabric.Rules.Loading;

/// <summary>A problem in rule.yml, with the key path where it is (<c>ruleBodies.allowX.conditions[0].operatorCode</c>).</summary>
public sealed record RuleConfigIssue(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}

/// <summary>The outcome of loading rule.yml: a rule set when valid, and every error and warning found.</summary>
public sealed record RuleSetLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleConfigIssue> Errors, IReadOnlyList<RuleConfigIssue> Warnings)
{
    public bool IsValid => RuleSet is not null;
}

/// <summary>rule.yml is invalid; <see cref="Errors"/> lists every problem.</summary>
public sealed class RuleConfigException(IReadOnlyList<RuleConfigIssue> errors)
    : Exception("rule.yml is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<RuleConfigIssue> Errors { get; } = errors;
}
