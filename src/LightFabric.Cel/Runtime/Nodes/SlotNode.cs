using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class SlotNode(int offset, int slot, string name) : Node(offset)
{
    public string Name { get; } = name;

    public override CelValue Eval(EvalFrame f) => f.Slots[slot] ?? new CelError($"variable '{Name}' is not initialised", Offset);
}
