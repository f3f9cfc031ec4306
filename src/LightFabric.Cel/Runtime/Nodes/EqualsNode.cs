using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class EqualsNode(int offset, Node left, Node right, bool negate) : Node(offset)
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

        return CelBool.Of(CelEquality.ValueEquals(l, r) != negate);
    }
}
