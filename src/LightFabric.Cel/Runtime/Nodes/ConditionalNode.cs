using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class ConditionalNode(int offset, Node cond, Node then, Node otherwise) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var c = cond.Eval(f);
        return c switch
        {
            CelBool { Value: true } => then.Eval(f),
            CelBool => otherwise.Eval(f),
            CelError => c,
            _ => new CelError("no matching overload for '_?_:_' applied to '" + c.Type.Name + "'", Offset),
        };
    }
}
