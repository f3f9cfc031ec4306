using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class ConstNode(int offset, CelValue value) : Node(offset)
{
    public CelValue Value { get; } = value;

    public override CelValue Eval(EvalFrame f) => Value;
}
