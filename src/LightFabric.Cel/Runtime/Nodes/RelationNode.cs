using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class RelationNode(int offset, Node left, Node right, Relation relation, string function) : Node(offset)
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

        if (l.Kind == CelValueKind.Int && r.Kind == CelValueKind.Int)
        {
            var a = ((CelInt)l).Value;
            var b = ((CelInt)r).Value;
            return CelBool.Of(relation switch
            {
                Relation.Less => a < b,
                Relation.LessEquals => a <= b,
                Relation.Greater => a > b,
                _ => a >= b,
            });
        }

        var c = CelOperations.Compare(l, r);
        if (c is null)
        {
            return Fail(CelError.NoSuchOverload(function, l, r));
        }

        if (c == int.MinValue)
        {
            return CelBool.False;
        }

        return CelBool.Of(relation switch
        {
            Relation.Less => c < 0,
            Relation.LessEquals => c <= 0,
            Relation.Greater => c > 0,
            _ => c >= 0,
        });
    }
}
