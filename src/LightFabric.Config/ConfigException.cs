namespace LightFabric.Config;

/// <summary>One thing wrong with the configuration: what, where (file, key path, line) and, in the message, what to do.</summary>
public sealed record ConfigProblem(string Message, string? File, string? Key, int? Line = null)
{
    /// <summary>
    /// Set when <see cref="File"/> is where the value came from (values.yml, config-server values, an environment
    /// variable) and this configuration file is where a placeholder put it.
    /// </summary>
    public string? UsedBy { get; init; }

    public override string ToString()
    {
        var where = new List<string>(2);
        if (!string.IsNullOrEmpty(File))
        {
            where.Add(File);
        }

        if (!string.IsNullOrEmpty(Key))
        {
            where.Add(Key);
        }

        if (UsedBy is not null)
        {
            if (where.Count == 0)
            {
                where.Add($"(used by {UsedBy})");
            }
            else
            {
                where[^1] += $" (used by {UsedBy})";
            }
        }

        var text = where.Count == 0 ? Message : $"{string.Join(": ", where)}: {Message}";
        return Line is { } line ? $"{text} (line {line})" : text;
    }
}

/// <summary>
/// Raised for any configuration error. Carries every problem found so an operator can fix a file in one pass.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message, string? file = null, string? key = null)
        : this([new ConfigProblem(message, file, key)])
    {
    }

    public ConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    internal ConfigException(ConfigProblem problem)
        : this([problem])
    {
    }

    internal ConfigException(ConfigProblem problem, Exception inner)
        : base(problem.ToString(), inner)
    {
        Problems = [problem];
    }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "invalid configuration",
            1 => problems[0].ToString(),
            _ => $"{problems.Count} configuration problems:{Environment.NewLine}" +
                 string.Join(Environment.NewLine, problems.Select(p => "  - " + p)),
        };
    }
}
