using System.Text.Json;
using LightFabric.Cel.Checking;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel;

/// <summary>A compiled expression. Immutable and safe to evaluate from many threads at once.</summary>
public sealed class CelProgram
{
    private readonly Node _root;
    private readonly int _slots;

    internal CelProgram(string source, Node root, int slots, EvaluationLimits limits, CelProfile profile, CelType? resultType)
    {
        Source = source;
        _root = root;
        _slots = slots;
        Limits = limits;
        Profile = profile;
        ResultType = resultType;
    }

    public string Source { get; }

    public CelProfile Profile { get; }

    public EvaluationLimits Limits { get; }

    /// <summary>The type deduced by the checker, when the environment type-checks.</summary>
    public CelType? ResultType { get; }

    /// <summary>Evaluates against <paramref name="activation"/>. Failures are returned as <see cref="CelError"/> values.</summary>
    public CelValue Evaluate(CelActivation activation)
    {
        var frame = EvalFrame.Rent(activation, _slots, Limits);
        try
        {
            return _root.Eval(frame);
        }
        catch (LimitExceededException e)
        {
            return new CelError(e.Message);
        }
        finally
        {
            EvalFrame.Return(frame);
        }
    }

    /// <summary>Evaluates with variables from name/value pairs.</summary>
    public CelValue Evaluate(IEnumerable<KeyValuePair<string, object?>> variables) => Evaluate(CelActivation.FromVariables(variables));

    /// <summary>Builds the activation for a JSON context under this program's profile (aliases, <c>context</c> root, size limit).</summary>
    public CelActivation CreateActivation(JsonElement context) => CelContext.FromJson(context, Profile);

    /// <summary>Evaluates a rule condition: the result must be a bool; errors and other results throw.</summary>
    /// <exception cref="CelEvaluationException">Evaluation failed or did not produce a bool.</exception>
    public bool EvaluateCondition(CelActivation activation)
    {
        var result = Evaluate(activation);
        return result switch
        {
            CelBool b => b.Value,
            CelError e => throw new CelEvaluationException(e.Message, e.Offset),
            _ => throw new CelEvaluationException($"the condition produced a value of type '{result.Type}', not bool"),
        };
    }
}
