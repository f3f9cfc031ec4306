using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class NotStrictlyFalseNode(int offset, Node operand) : Node(offset)
{
    public override CelValue Eval(EvalFrame f) => operand.Eval(f) is CelBool { Value: false } ? CelBool.False : CelBool.True;
}
