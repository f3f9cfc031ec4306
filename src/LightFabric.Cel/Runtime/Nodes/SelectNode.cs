using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class SelectNode(int offset, Node operand, string field, bool testOnly) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        f.Step();
        var v = operand.Eval(f);
        if (v.Kind == CelValueKind.Error)
        {
            return v;
        }

        return testOnly ? Has(v, field, Offset) : Select(v, field, Offset);
    }

    public static CelValue Select(CelValue v, string field, int offset)
    {
        switch (v)
        {
            case CelMap m:
                return m.TryGetField(field, out var r) ? r : new CelError($"no such key: '{field}'", offset);
            case CelOptional o:
                if (!o.HasValue)
                {
                    return CelOptional.None;
                }

                return o.Value is CelMap om
                    ? om.TryGetField(field, out var ov) ? CelOptional.Of(ov) : CelOptional.None
                    : Select(o.Value!, field, offset);
            default:
                return new CelError($"type '{v.Type}' does not support field selection", offset);
        }
    }

    public static CelValue Has(CelValue v, string field, int offset)
    {
        switch (v)
        {
            case CelMap m:
                return CelBool.Of(m.TryGetField(field, out _));
            case CelOptional o:
                return o.HasValue ? Has(o.Value!, field, offset) : CelBool.False;
            default:
                return new CelError($"type '{v.Type}' does not support field selection", offset);
        }
    }
}
