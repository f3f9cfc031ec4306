namespace LightFabric.Cel.Runtime;

/// <summary>Runtime limits applied while evaluating.</summary>
public sealed record EvaluationLimits
{
    /// <summary>Maximum evaluation steps (calls, selections, comprehension iterations, constructed elements).</summary>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>Maximum length (UTF-16 code units) of a string or bytes value produced during evaluation.</summary>
    public int MaxStringLength { get; init; } = 1_000_000;

    /// <summary>Maximum number of elements of a list or map produced during evaluation.</summary>
    public int MaxCollectionItems { get; init; } = 100_000;

    public static EvaluationLimits Default { get; } = new();
}

/// <summary>Raised when an evaluation limit is exceeded; evaluation stops at once and reports an error.</summary>
internal sealed class LimitExceededException(string message) : Exception(message);

/// <summary>Per-evaluation state: the activation, local variable slots and the step budget.</summary>
internal sealed class EvalFrame
{
    [ThreadStatic]
    private static EvalFrame? _threadCached;

    private EvalFrame(int slots) => Slots = new CelValue?[slots];

    public CelActivation Activation { get; private set; } = CelActivation.Empty;

    public CelValue?[] Slots { get; private set; }

    public long Steps;

    public long MaxSteps;

    public int MaxStringLength;

    public int MaxCollectionItems;

    public static EvalFrame Rent(CelActivation activation, int slots, EvaluationLimits limits)
    {
        var f = _threadCached;
        if (f is not null)
        {
            _threadCached = null;
            if (f.Slots.Length < slots)
            {
                f.Slots = new CelValue?[slots];
            }
        }
        else
        {
            f = new EvalFrame(slots);
        }

        f.Activation = activation;
        f.Steps = 0;
        f.MaxSteps = limits.MaxSteps;
        f.MaxStringLength = limits.MaxStringLength;
        f.MaxCollectionItems = limits.MaxCollectionItems;
        return f;
    }

    public static void Return(EvalFrame f)
    {
        Array.Clear(f.Slots);
        f.Activation = CelActivation.Empty;
        _threadCached = f;
    }

    public void Step(long cost = 1)
    {
        Steps += cost;
        if (Steps > MaxSteps)
        {
            throw new LimitExceededException($"evaluation exceeded the cost budget of {MaxSteps} steps");
        }
    }

    public CelValue CheckSize(CelValue v)
    {
        switch (v.Kind)
        {
            case CelValueKind.String when ((CelString)v).Value.Length > MaxStringLength:
            case CelValueKind.Bytes when ((CelBytes)v).Length > MaxStringLength:
                throw new LimitExceededException($"string or bytes value exceeds the limit of {MaxStringLength}");
            case CelValueKind.List when ((CelList)v).Count > MaxCollectionItems:
            case CelValueKind.Map when ((CelMap)v).Count > MaxCollectionItems:
                throw new LimitExceededException($"list or map exceeds the limit of {MaxCollectionItems} items");
            default:
                return v;
        }
    }
}
