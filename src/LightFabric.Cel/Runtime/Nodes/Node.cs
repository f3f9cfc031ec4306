using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary>A planned, immutable evaluation step. Trees of nodes are built once per program and shared by threads.</summary>
internal abstract class Node
{
    protected Node(int offset) => Offset = offset;

    public int Offset { get; }

    public abstract CelValue Eval(EvalFrame f);

    protected CelValue Fail(CelValue error) => error is CelError e ? e.WithOffset(Offset) : error;
}
