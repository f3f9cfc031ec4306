using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary><c>opt.or(other)</c> and <c>opt.orValue(value)</c>: the argument is evaluated only when the optional is empty.</summary>
internal sealed class OptionalOrNode(int offset, Node target, Node alternative, bool orValue) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var t = target.Eval(f);
        if (t is CelError)
        {
            return t;
        }

        if (t is not CelOptional o)
        {
            return new CelError($"no such overload: {(orValue ? "orValue" : "or")}({t.Type})", Offset);
        }

        if (o.HasValue)
        {
            return orValue ? o.Value! : o;
        }

        var alt = alternative.Eval(f);
        if (alt is CelError || orValue || alt is CelOptional)
        {
            return alt;
        }

        return new CelError($"no such overload: or(optional_type, {alt.Type})", Offset);
    }
}
