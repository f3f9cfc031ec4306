using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary>Evaluates its arguments (so their errors win) and then reports a fixed error.</summary>
internal sealed class FailingCallNode(int offset, Node[] args, string message) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        foreach (var a in args)
        {
            var v = a.Eval(f);
            if (v.Kind == CelValueKind.Error)
            {
                return v;
            }
        }

        return new CelError(message, Offset);
    }
}
