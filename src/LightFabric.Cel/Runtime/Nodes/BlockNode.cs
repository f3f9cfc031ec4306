using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class BlockNode(int offset, int[] slots, Node result) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        foreach (var s in slots)
        {
            f.Slots[s] = null;
        }

        return result.Eval(f);
    }
}
