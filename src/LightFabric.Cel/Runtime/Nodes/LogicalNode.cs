using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary>
/// <c>&amp;&amp;</c> (decisive value false) and <c>||</c> (decisive value true): commutative, so a decisive operand
/// on either side wins over an error on the other; errors surface only when nothing decides the result.
/// </summary>
internal sealed class LogicalNode(int offset, Node left, Node right, bool decisive, string function) : Node(offset)
{
    private readonly CelBool _decided = decisive ? CelBool.True : CelBool.False;
    private readonly CelBool _undecided = decisive ? CelBool.False : CelBool.True;

    public static LogicalNode And(int offset, Node left, Node right) => new(offset, left, right, false, "_&&_");

    public static LogicalNode Or(int offset, Node left, Node right) => new(offset, left, right, true, "_||_");

    public override CelValue Eval(EvalFrame f)
    {
        var l = left.Eval(f);
        if (l is CelBool lb && lb.Value == decisive)
        {
            return _decided;
        }

        var r = right.Eval(f);
        if (r is CelBool rb)
        {
            if (rb.Value == decisive)
            {
                return _decided;
            }

            if (l is CelBool)
            {
                return _undecided;
            }
        }

        if (l is CelError)
        {
            return l;
        }

        if (r is CelError)
        {
            return r;
        }

        return new CelError($"no matching overload for '{function}'", Offset);
    }
}
