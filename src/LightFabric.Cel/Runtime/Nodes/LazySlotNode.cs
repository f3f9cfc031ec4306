using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary>A <c>cel.block</c> slot: evaluated on first use, then reused.</summary>
internal sealed class LazySlotNode(int offset, int slot, Node init) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var v = f.Slots[slot];
        if (v is null)
        {
            v = init.Eval(f);
            f.Slots[slot] = v;
        }

        return v;
    }
}
