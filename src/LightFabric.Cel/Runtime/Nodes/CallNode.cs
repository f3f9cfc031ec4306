using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

/// <summary>A call dispatched by argument kinds over the overloads of one function.</summary>
internal sealed class CallNode(int offset, FunctionDecl function, Node[] args) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        f.Step();
        switch (args.Length)
        {
            case 1:
            {
                var a = args[0].Eval(f);
                if (a.Kind == CelValueKind.Error)
                {
                    return a;
                }

                foreach (var o in function.Overloads)
                {
                    if (o.Parameters.Count == 1 && Overload.AcceptsValue(o.Parameters[0], a))
                    {
                        return Fail(f.CheckSize(o.Unary is { } u ? u(a) : o.Invoke([a])));
                    }
                }

                return Fail(CelError.NoSuchOverload(function.Name, a));
            }

            case 2:
            {
                var a = args[0].Eval(f);
                if (a.Kind == CelValueKind.Error)
                {
                    return a;
                }

                var b = args[1].Eval(f);
                if (b.Kind == CelValueKind.Error)
                {
                    return b;
                }

                foreach (var o in function.Overloads)
                {
                    if (o.Parameters.Count == 2 && Overload.AcceptsValue(o.Parameters[0], a) && Overload.AcceptsValue(o.Parameters[1], b))
                    {
                        return Fail(f.CheckSize(o.Binary is { } bin ? bin(a, b) : o.Invoke([a, b])));
                    }
                }

                return Fail(CelError.NoSuchOverload(function.Name, a, b));
            }

            default:
            {
                var values = new CelValue[args.Length];
                for (var i = 0; i < args.Length; i++)
                {
                    values[i] = args[i].Eval(f);
                    if (values[i].Kind == CelValueKind.Error)
                    {
                        return values[i];
                    }
                }

                return Fail(f.CheckSize(function.Dispatch(values)));
            }
        }
    }
}
