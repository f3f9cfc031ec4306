using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LightFabric.Cel;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Conditions;

/// <summary>A rule's condition, prepared at load time (paths parsed, regexes and CEL compiled).</summary>
internal abstract class CompiledCondition
{
    public static readonly CompiledCondition Always = new AlwaysCondition();

    public abstract ConditionOutcome Evaluate(JsonObject context);

    private sealed class AlwaysCondition : CompiledCondition
    {
        public override ConditionOutcome Evaluate(JsonObject context) => ConditionOutcome.NoConditions;
    }
}

/// <summary>A rule-level CEL expression.</summary>
internal sealed class CelCondition(CelProgram program) : CompiledCondition
{
    public CelProgram Program { get; } = program;

    public override ConditionOutcome Evaluate(JsonObject context)
    {
        var result = Evaluate(Program, context, out var error);
        return error is not null
            ? ConditionOutcome.Fail($"CEL evaluation error: {error}")
            : new ConditionOutcome(result, null, null, result ? "the CEL expression is true" : "the CEL expression is false");
    }

    /// <summary>Evaluates a CEL condition; any failure (error value, non-bool, exception) is reported in <paramref name="error"/>.</summary>
    public static bool Evaluate(CelProgram program, JsonObject context, out string? error)
    {
        try
        {
            error = null;
            return program.EvaluateCondition(CelActivations.Create(context, program.Profile));
        }
        catch (Exception e) when (e is CelEvaluationException or ArgumentException or InvalidOperationException
            or FormatException or OverflowException or InvalidCastException)
        {
            error = e.Message;
            return false;
        }
    }
}

/// <summary>Flat native rows, joined left to right: <c>A AND B OR C</c> is <c>(A AND B) OR C</c>.</summary>
internal sealed class NativeConditionList(IReadOnlyList<NativeRow> rows) : CompiledCondition
{
    public IReadOnlyList<NativeRow> Rows { get; } = rows;

    public override ConditionOutcome Evaluate(JsonObject context)
    {
        var acc = false;
        int? lastFalse = null;
        string? lastDetail = null;
        for (var i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            if (i > 0)
            {
                // Left to right with short-circuit: the accumulated value already decides this join.
                if (row.Join == JoinCode.And && !acc)
                {
                    continue;
                }

                if (row.Join == JoinCode.Or && acc)
                {
                    continue;
                }
            }

            var r = row.Evaluate(context);
            if (r.Error is not null)
            {
                return ConditionOutcome.Fail($"condition {i} ({row.Describe()}): {r.Error}", i);
            }

            acc = r.Value;
            if (!r.Value)
            {
                lastFalse = i;
                lastDetail = $"condition {i} ({row.Describe()}) is false{(r.Detail is null ? "" : ": " + r.Detail)}";
            }
        }

        return acc
            ? new ConditionOutcome(true, null, null, "the conditions are true")
            : new ConditionOutcome(false, null, lastFalse, lastDetail);
    }
}

/// <summary>One native (or CEL alias) row.</summary>
internal sealed class NativeRow
{
    public required int Index { get; init; }

    public required RuleCondition Source { get; init; }

    public required ConditionOperator Operator { get; init; }

    public PropertyPath? Path { get; init; }

    public JoinCode Join => Source.JoinCode;

    public Regex? Pattern { get; init; }

    public CelProgram? Cel { get; init; }

    public string Describe() => Operator == ConditionOperator.Cel
        ? "cel"
        : $"{Source.OperatorCode} {Source.Operand}{(ConditionOperators.IsUnary(Operator) ? "" : " " + (Source.Expected?.ToJsonString() ?? "null"))}";

    public RowResult Evaluate(JsonObject context)
    {
        if (Cel is not null)
        {
            var v = CelCondition.Evaluate(Cel, context, out var error);
            return error is null ? new RowResult(v, null, null) : new RowResult(false, $"CEL evaluation error: {error}", null);
        }

        var found = Path!.TryResolve(context, out var value);
        return NativeOperators.Evaluate(Operator, found, value, Source.Expected, Pattern);
    }
}

internal readonly record struct RowResult(bool Value, string? Error, string? Detail);

/// <summary>Loads a rule's conditions into a <see cref="CompiledCondition"/>.</summary>
internal static class ConditionCompiler
{
    // The engine is linear in the input, so the limit only stops a runaway input; generous, so that a busy machine never
    // turns a trivial match into a rule error.
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Builds a safe regex: linear-time engine, culture-invariant, bounded by a timeout.</summary>
    public static Regex CreateRegex(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);

    public static CelProgram CompileCel(string expression, CelProfile profile) =>
        CelEnvironment.ForProfile(profile).Compile(expression);
}
