using System.Text.Json.Nodes;
using LightFabric.Cel;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Actions;

/// <summary>
/// <c>res-fil</c>: keeps the rows for which <c>actionValues.rowExpression</c> (CEL, with the row bound as <c>row</c>)
/// is true. An evaluation error fails the action, so nothing unfiltered is returned.
/// </summary>
public sealed class ResponseCelRowFilterAction : IResponseFilterAction, IValidatingRuleAction, IContextPreservingRuleAction
{
    public const string Name = "ResponseCelRowFilterAction";

    private const int MaxCachedPrograms = 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(CelProfile Profile, string Expression), CelProgram> _programs = new();

    public int FilterOrder => 0;

    public IEnumerable<string> Validate(JsonNode? actionValues, CelProfile profile)
    {
        var expression = ExpressionOf(actionValues);
        if (expression is null)
        {
            yield return "actionValues.rowExpression (a CEL expression) is required";
            yield break;
        }

        string? error = null;
        try
        {
            Compile(expression, profile);
        }
        catch (CelCompileException e)
        {
            error = "actionValues.rowExpression does not compile: " + e.Message;
        }

        if (error is not null)
        {
            yield return error;
        }
    }

    public RuleActionResult Execute(RuleActionContext context)
    {
        if (!context.HasResponse)
        {
            return RuleActionResult.Fail("the CEL row filter runs on responses only");
        }

        var expression = ExpressionOf(context.Action.ActionValues);
        if (expression is null)
        {
            return RuleActionResult.Fail("actionValues.rowExpression is missing");
        }

        if (!ResponseRows.TryGet(context.Response, out var rows, out var single))
        {
            return RuleActionResult.Fail("the response is not an object or array, so rows cannot be filtered");
        }

        var program = Compile(expression, context.Profile);
        if (single is not null)
        {
            var keep = Keep(program, context.Context, single, out var error);
            return error is not null ? RuleActionResult.Fail($"rowExpression failed: {error}")
                : keep ? RuleActionResult.Pass() : RuleActionResult.Fail("the response object is filtered out by the row expression");
        }

        var kept = new List<JsonNode?>();
        foreach (var row in rows!)
        {
            var keep = Keep(program, context.Context, row, out var error);
            if (error is not null)
            {
                return RuleActionResult.Fail($"rowExpression failed on row {kept.Count}: {error}");
            }

            if (keep)
            {
                kept.Add(row);
            }
        }

        for (var i = rows!.Count - 1; i >= 0; i--)
        {
            if (!kept.Contains(rows[i]))
            {
                rows.RemoveAt(i);
            }
        }

        return RuleActionResult.Pass($"{rows.Count} rows kept");
    }

    private static bool Keep(CelProgram program, JsonObject context, JsonNode? row, out string? error)
    {
        try
        {
            error = null;
            return program.EvaluateCondition(CelActivations.Create(context, program.Profile, row, bindRow: true));
        }
        catch (Exception e) when (e is CelEvaluationException or ArgumentException or InvalidOperationException)
        {
            error = e.Message;
            return false;
        }
    }

    private CelProgram Compile(string expression, CelProfile profile)
    {
        if (_programs.TryGetValue((profile, expression), out var program))
        {
            return program;
        }

        program = ConditionCompiler.CompileCel(expression, profile);
        if (_programs.Count >= MaxCachedPrograms)
        {
            // Reloads that keep changing expressions must not grow the cache without bound.
            _programs.Clear();
        }

        _programs[(profile, expression)] = program;
        return program;
    }

    private static string? ExpressionOf(JsonNode? actionValues) =>
        actionValues is JsonObject o && JsonValues.TryString(o["rowExpression"], out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
