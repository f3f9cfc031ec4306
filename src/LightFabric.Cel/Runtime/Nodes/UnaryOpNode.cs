using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class UnaryOpNode(int offset, Node operand, Func<CelValue, CelValue> op) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var v = operand.Eval(f);
        return v.Kind == CelValueKind.Error ? v : Fail(op(v));
    }
}
