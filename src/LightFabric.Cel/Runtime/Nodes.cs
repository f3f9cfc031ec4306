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

internal sealed class ConstNode(int offset, CelValue value) : Node(offset)
{
    public CelValue Value { get; } = value;

    public override CelValue Eval(EvalFrame f) => Value;
}

internal sealed class SlotNode(int offset, int slot, string name) : Node(offset)
{
    public string Name { get; } = name;

    public override CelValue Eval(EvalFrame f) => f.Slots[slot] ?? new CelError($"variable '{Name}' is not initialised", Offset);
}

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

/// <summary>
/// A variable reference with an optional chain of field selections, resolved against the activation. Qualified
/// names are tried longest first (<c>a.b.c</c>, then <c>a.b</c> + <c>.c</c>, then <c>a</c> + <c>.b.c</c>),
/// each under every enclosing container.
/// </summary>
internal sealed class AttributeNode : Node
{
    private readonly string _root;
    private readonly string[] _fields;
    private readonly (string Name, int FieldStart)[] _candidates;
    private readonly bool _simple;
    private readonly CelType? _typeName;

    public AttributeNode(int offset, string root, string[] fields, (string Name, int FieldStart)[] candidates, bool simple, CelType? typeName)
        : base(offset)
    {
        _root = root;
        _fields = fields;
        _candidates = candidates;
        _simple = simple;
        _typeName = typeName;
    }

    public string DisplayName => _fields.Length == 0 ? _root : _root + "." + string.Join('.', _fields);

    public override CelValue Eval(EvalFrame f)
    {
        var act = f.Activation;
        if (_simple || !act.HasQualifiedNames)
        {
            if (act.TryResolve(_root, out var v))
            {
                return SelectPath(f, v, 0);
            }

            if (_simple)
            {
                return Missing();
            }
        }

        foreach (var (name, start) in _candidates)
        {
            if (act.TryResolve(name, out var v))
            {
                return SelectPath(f, v, start);
            }
        }

        return Missing();
    }

    private CelValue Missing() =>
        _typeName is not null
            ? new CelTypeValue(_typeName)
            : new CelError($"undeclared reference to '{_root}' (unknown variable)", Offset);

    private CelValue SelectPath(EvalFrame f, CelValue v, int start)
    {
        for (var i = start; i < _fields.Length; i++)
        {
            f.Step();
            v = SelectNode.Select(v, _fields[i], Offset);
            if (v.Kind == CelValueKind.Error)
            {
                return v;
            }
        }

        return v;
    }
}

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

/// <summary><c>operand.?field</c>: an optional, empty when the field is absent.</summary>
internal sealed class OptionalSelectNode(int offset, Node operand, string field) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        f.Step();
        var v = operand.Eval(f);
        if (v is CelOptional o)
        {
            if (!o.HasValue)
            {
                return CelOptional.None;
            }

            v = o.Value!;
        }

        return v switch
        {
            CelError => v,
            CelMap m => m.TryGetField(field, out var r) ? CelOptional.Of(r) : CelOptional.None,
            _ => new CelError($"type '{v.Type}' does not support field selection", Offset),
        };
    }
}

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

internal sealed class ConditionalNode(int offset, Node cond, Node then, Node otherwise) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var c = cond.Eval(f);
        return c switch
        {
            CelBool { Value: true } => then.Eval(f),
            CelBool => otherwise.Eval(f),
            CelError => c,
            _ => new CelError("no matching overload for '_?_:_' applied to '" + c.Type.Name + "'", Offset),
        };
    }
}

internal sealed class NotStrictlyFalseNode(int offset, Node operand) : Node(offset)
{
    public override CelValue Eval(EvalFrame f) => operand.Eval(f) is CelBool { Value: false } ? CelBool.False : CelBool.True;
}

internal sealed class EqualsNode(int offset, Node left, Node right, bool negate) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var l = left.Eval(f);
        if (l.Kind == CelValueKind.Error)
        {
            return l;
        }

        var r = right.Eval(f);
        if (r.Kind == CelValueKind.Error)
        {
            return r;
        }

        return CelBool.Of(CelEquality.ValueEquals(l, r) != negate);
    }
}

internal enum Relation
{
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
}

internal sealed class RelationNode(int offset, Node left, Node right, Relation relation, string function) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var l = left.Eval(f);
        if (l.Kind == CelValueKind.Error)
        {
            return l;
        }

        var r = right.Eval(f);
        if (r.Kind == CelValueKind.Error)
        {
            return r;
        }

        if (l.Kind == CelValueKind.Int && r.Kind == CelValueKind.Int)
        {
            var a = ((CelInt)l).Value;
            var b = ((CelInt)r).Value;
            return CelBool.Of(relation switch
            {
                Relation.Less => a < b,
                Relation.LessEquals => a <= b,
                Relation.Greater => a > b,
                _ => a >= b,
            });
        }

        var c = CelOperations.Compare(l, r);
        if (c is null)
        {
            return Fail(CelError.NoSuchOverload(function, l, r));
        }

        if (c == int.MinValue)
        {
            return CelBool.False;
        }

        return CelBool.Of(relation switch
        {
            Relation.Less => c < 0,
            Relation.LessEquals => c <= 0,
            Relation.Greater => c > 0,
            _ => c >= 0,
        });
    }
}

internal sealed class BinaryOpNode(int offset, Node left, Node right, Func<CelValue, CelValue, CelValue> op) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var l = left.Eval(f);
        if (l.Kind == CelValueKind.Error)
        {
            return l;
        }

        var r = right.Eval(f);
        if (r.Kind == CelValueKind.Error)
        {
            return r;
        }

        f.Step();
        return Fail(f.CheckSize(op(l, r)));
    }
}

internal sealed class UnaryOpNode(int offset, Node operand, Func<CelValue, CelValue> op) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var v = operand.Eval(f);
        return v.Kind == CelValueKind.Error ? v : Fail(op(v));
    }
}

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

/// <summary>Evaluates its arguments (so their errors win) and then reports a fixed error.</summary>
internal sealed class FailingCallNode(int offset, Node[] args, string message) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        foreach (var a in args)
        {
            var v = a.Eval(f);
            if (v.Kind == CelValueKind.Error)
            {
                return v;
            }
        }

        return new CelError(message, Offset);
    }
}

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

/// <summary><c>opt.or(other)</c> and <c>opt.orValue(value)</c>: the argument is evaluated only when the optional is empty.</summary>
internal sealed class OptionalOrNode(int offset, Node target, Node alternative, bool orValue) : Node(offset)
{
    public override CelValue Eval(EvalFrame f)
    {
        var t = target.Eval(f);
        if (t is CelError)
        {
            return t;
        }

        if (t is not CelOptional o)
        {
            return new CelError($"no such overload: {(orValue ? "orValue" : "or")}({t.Type})", Offset);
        }

        if (o.HasValue)
        {
            return orValue ? o.Value! : o;
        }

        var alt = alternative.Eval(f);
        if (alt is CelError || orValue || alt is CelOptional)
        {
            return alt;
        }

        return new CelError($"no such overload: or(optional_type, {alt.Type})", Offset);
    }
}
