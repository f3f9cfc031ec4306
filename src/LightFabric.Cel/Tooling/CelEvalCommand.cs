using System.Text.Json;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Tooling;

/// <summary>
/// The rule tester: <c>cel eval --expr '…' [--vars vars.json] [--profile strict|standard|internal-admin]</c>.
/// Prints the result, or the error with its position, a caret excerpt and a hint.
/// Exit codes: 0 evaluated, 1 evaluation error, 2 usage or compile error.
/// </summary>
public static class CelEvalCommand
{
    public const int Success = 0;
    public const int EvaluationFailed = 1;
    public const int InvalidInput = 2;

    private const string Usage = "usage: cel eval --expr '<expression>' [--vars <vars.json>] [--profile strict|standard|internal-admin]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? expression = null;
        string? varsPath = null;
        var profileName = CelProfile.Standard.Name;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return Success;
            }

            if (i == 0 && arg == "eval")
            {
                continue;
            }

            if (arg is "--expr" or "--vars" or "--profile")
            {
                if (i + 1 >= args.Count)
                {
                    stderr.WriteLine($"error: {arg} needs a value");
                    stderr.WriteLine(Usage);
                    return InvalidInput;
                }

                var value = args[++i];
                switch (arg)
                {
                    case "--expr":
                        expression = value;
                        break;
                    case "--vars":
                        varsPath = value;
                        break;
                    default:
                        profileName = value;
                        break;
                }

                continue;
            }

            stderr.WriteLine($"error: unknown argument '{arg}'");
            stderr.WriteLine(Usage);
            return InvalidInput;
        }

        if (string.IsNullOrEmpty(expression))
        {
            stderr.WriteLine("error: --expr is required");
            stderr.WriteLine(Usage);
            return InvalidInput;
        }

        var profile = CelProfile.FromName(profileName);
        if (profile is null)
        {
            stderr.WriteLine($"error: unknown profile '{profileName}' (use strict, standard or internal-admin)");
            return InvalidInput;
        }

        CelActivation activation;
        try
        {
            activation = LoadVariables(varsPath, profile);
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot read variables from '{varsPath}': {e.Message}");
            return InvalidInput;
        }

        CelProgram program;
        try
        {
            program = CelEnvironment.ForProfile(profile).Compile(expression);
        }
        catch (CelCompileException e)
        {
            stderr.WriteLine($"invalid expression ({profile.Name} profile):");
            stderr.WriteLine(e.Message);
            return InvalidInput;
        }

        var result = program.Evaluate(activation);
        if (result is CelError error)
        {
            var issue = CelIssue.At(expression, Math.Max(0, error.Offset), error.Message);
            stdout.WriteLine("result: error");
            stdout.WriteLine(error.Offset >= 0 ? issue.Format(expression) : $"ERROR: {error.Message}");
            if (Hint(error.Message) is { } hint)
            {
                stdout.WriteLine($"hint: {hint}");
            }

            return EvaluationFailed;
        }

        stdout.WriteLine($"result: {Render(result)}");
        stdout.WriteLine($"type: {result.Type}");
        return Success;
    }

    private static CelActivation LoadVariables(string? path, CelProfile profile)
    {
        if (path is null)
        {
            return CelActivation.Empty;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));

        // The document is cloned so that lazily converted values stay valid after it is disposed.
        return CelContext.FromJson(doc.RootElement.Clone(), profile);
    }

    private static string? Hint(string message)
    {
        if (message.StartsWith("no such key", StringComparison.Ordinal))
        {
            return "the field is missing from the input; guard it with has(x.field) or \"field\" in x before using it";
        }

        if (message.StartsWith("undeclared reference", StringComparison.Ordinal))
        {
            return "the variable is not in the input, or the profile does not expose it";
        }

        if (message.StartsWith("no such overload", StringComparison.Ordinal))
        {
            return "the operand types do not fit the operator or function; convert explicitly, e.g. int(x) or string(x)";
        }

        return null;
    }

    private static string Render(CelValue v) => v switch
    {
        CelString s => Library.StringsExtension.Quote(s.Value),
        CelBytes b => "b" + Library.StringsExtension.Quote(System.Text.Encoding.UTF8.GetString(b.Span)),
        CelUint u => u.Value + "u",
        CelDouble d => double.IsFinite(d.Value) && Math.Floor(d.Value) == d.Value && Math.Abs(d.Value) < 1e15
            ? CelFormatter.FormatDoubleForText(d.Value) + ".0"
            : CelFormatter.FormatDoubleForText(d.Value),
        _ => CelFormatter.Display(v),
    };
}
