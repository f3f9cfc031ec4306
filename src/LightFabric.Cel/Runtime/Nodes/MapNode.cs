using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

internal sealed class MapNode(int offset, Node[] keys, Node[] values, bool[] optional) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        if (keys.Length == 0)
        {
            return CelDictionaryMap.Empty;
        }

        f.Step(keys.Length);
        var d = CelDictionaryMap.NewDictionary(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var k = keys[i].Eval(f);
            if (k.Kind == CelValueKind.Error)
            {
                return k;
            }

            var v = values[i].Eval(f);
            if (v.Kind == CelValueKind.Error)
            {
                return v;
            }

            if (!MapKeyComparer.IsValidKey(k))
            {
                return new CelError($"unsupported key type: {k.Type}", keys[i].Offset);
            }

            if (optional[i])
            {
                if (v is not CelOptional o)
                {
                    return new CelError($"cannot use '{v.Type}' as an optional map value", values[i].Offset);
                }

                if (!o.HasValue)
                {
                    continue;
                }

                v = o.Value!;
            }

            if (!d.TryAdd(k, v))
            {
                return new CelError($"Failed with repeated key: {CelFormatter.Display(k)}", keys[i].Offset);
            }
        }

        return f.CheckSize(new CelDictionaryMap(d));
    }
}
