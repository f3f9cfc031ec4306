using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class BinaryOpNode(int offset, Node left, Node right, Func<CelValue, CelValue, CelValue> op) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var l = left.Eval(f);
        if (l.Kind == CelValueKind.Error)
        {
            return l;
        }

        var r = right.Eval(f);
        if (r.Kind == CelValueKind.Error)
        {
            return r;
        }

        f.Step();
        return Fail(f.CheckSize(op(l, r)));
    }
}
