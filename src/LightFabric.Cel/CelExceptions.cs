namespace LightFabric.Cel;

/// <summary>A problem found while parsing or checking an expression, with its source position.</summary>
public sealed record CelIssue(string Message, int Offset, int Line, int Column)
{
    /// <summary>Formats as <c>ERROR: &lt;input&gt;:line:col: message</c> followed by the source line and a caret.</summary>
    public string Format(string source)
    {
        var text = $"ERROR: <input>:{Line}:{Column}: {Message}";
        var lines = source.Split('\n');
        if (Line >= 1 && Line <= lines.Length)
        {
            var lineText = lines[Line - 1].TrimEnd('\r');
            text += $"\n | {lineText}\n | {new string('.', Math.Max(0, Column - 1))}^";
        }

        return text;
    }

    internal static CelIssue At(string source, int offset, string message)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        var line = 1;
        var col = 1;
        for (var i = 0; i < offset; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                col = 1;
            }
            else
            {
                col++;
            }
        }

        return new CelIssue(message, offset, line, col);
    }
}

/// <summary>Thrown when an expression cannot be compiled (syntax, type, profile or limit errors).</summary>
public sealed class CelCompileException : Exception
{
    public CelCompileException(string source, IReadOnlyList<CelIssue> issues)
        : base(string.Join("\n", issues.Select(i => i.Format(source))))
    {
        Source = source;
        Issues = issues;
    }

    public new string Source { get; }

    public IReadOnlyList<CelIssue> Issues { get; }
}

/// <summary>Thrown by the convenience evaluation methods when evaluation produces an error value.</summary>
public sealed class CelEvaluationException : Exception
{
    public CelEvaluationException(string message, int offset = -1) : base(message) => Offset = offset;

    /// <summary>Source offset of the failing sub-expression, or -1 when unknown.</summary>
    public int Offset { get; }
}
