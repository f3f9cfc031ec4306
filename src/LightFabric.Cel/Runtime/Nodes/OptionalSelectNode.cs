using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary><c>operand.?field</c>: an optional, empty when the field is absent.</summary>
internal sealed class OptionalSelectNode(int offset, Node operand, string field) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        f.Step();
        var v = operand.Eval(f);
        if (v is CelOptional o)
        {
            if (!o.HasValue)
            {
                return CelOptional.None;
            }

            v = o.Value!;
        }

        return v switch
        {
            CelError => v,
            CelMap m => m.TryGetField(field, out var r) ? CelOptional.Of(r) : CelOptional.None,
            _ => new CelError($"type '{v.Type}' does not support field selection", Offset),
        };
    }
}
