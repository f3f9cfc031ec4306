using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>Optional values: optional.of/none/ofNonZeroValue, hasValue, value, or, orValue.</summary>
internal static class OptionalsLibrary
{
    public static void Register(FunctionRegistry r)
    {
        var optA = CelType.Optional(A);
        r.Unary("optional.of", "optional_of", false, A, optA, v => CelOptional.Of(v));
        r.Global("optional.none", "optional_none", optA, _ => CelOptional.None);
        r.Unary("optional.ofNonZeroValue", "optional_ofNonZeroValue", false, A, optA, v => IsZero(v) ? CelOptional.None : CelOptional.Of(v));
        r.Unary("hasValue", "optional_hasValue", true, optA, Bool, v => CelBool.Of(((CelOptional)v).HasValue));
        r.Unary("value", "optional_value", true, optA, A, v =>
            ((CelOptional)v).Value ?? new CelError("optional.none() dereference"));

        // or/orValue short-circuit in the evaluator; these overloads serve the checker and direct dispatch.
        r.Binary("or", "optional_or_optional", true, optA, optA, optA, (a, b) => ((CelOptional)a).HasValue ? a : b);
        r.Binary("orValue", "optional_orValue_value", true, optA, A, A, (a, b) => ((CelOptional)a).Value ?? b);
    }

    internal static bool IsZero(CelValue v) => v switch
    {
        CelNull => true,
        CelBool b => !b.Value,
        CelInt i => i.Value == 0,
        CelUint u => u.Value == 0,
        CelDouble d => d.Value == 0,
        CelString s => s.Value.Length == 0,
        CelBytes y => y.Length == 0,
        CelList l => l.Count == 0,
        CelMap m => m.Count == 0,
        CelDuration du => du.TotalNanos == 0,
        CelTimestamp t => t.Seconds == 0 && t.Nanos == 0,
        CelOptional o => !o.HasValue,
        _ => false,
    };
}
