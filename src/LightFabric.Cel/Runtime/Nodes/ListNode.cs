using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class ListNode(int offset, Node[] elements, bool[] optional) : Node(offset)
{
    private readonly bool _anyOptional = optional.Any(o => o);

    public override CelValue Eval(EvalFrame f)
    {
        if (elements.Length == 0)
        {
            return CelArrayList.Empty;
        }

        f.Step(elements.Length);
        if (!_anyOptional)
        {
            var items = new CelValue[elements.Length];
            for (var i = 0; i < items.Length; i++)
            {
                var v = elements[i].Eval(f);
                if (v.Kind == CelValueKind.Error)
                {
                    return v;
                }

                items[i] = v;
            }

            return f.CheckSize(new CelArrayList(items));
        }

        var list = new List<CelValue>(elements.Length);
        for (var i = 0; i < elements.Length; i++)
        {
            var v = elements[i].Eval(f);
            if (v.Kind == CelValueKind.Error)
            {
                return v;
            }

            if (optional[i])
            {
                if (v is not CelOptional o)
                {
                    return new CelError($"cannot use '{v.Type}' as an optional list element", elements[i].Offset);
                }

                if (o.HasValue)
                {
                    list.Add(o.Value!);
                }

                continue;
            }

            list.Add(v);
        }

        return f.CheckSize(new CelArrayList(list.ToArray()));
    }
}
