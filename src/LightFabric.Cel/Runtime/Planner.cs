using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;
using LightFabric.Cel.Parsing;

namespace LightFabric.Cel.Runtime;

/// <summary>Turns an expression tree into a tree of evaluation nodes, resolving locals to slots and calls to functions.</summary>
internal sealed class Planner
{
    private static readonly Dictionary<string, CelType> TypeNames = new(StringComparer.Ordinal)
    {
        ["bool"] = CelType.Bool,
        ["int"] = CelType.Int,
        ["uint"] = CelType.Uint,
        ["double"] = CelType.Double,
        ["string"] = CelType.String,
        ["bytes"] = CelType.Bytes,
        ["list"] = CelType.ListOfDyn,
        ["map"] = CelType.MapOfDyn,
        ["null_type"] = CelType.Null,
        ["type"] = CelType.TypeOfDyn,
        ["optional_type"] = CelType.OptionalOfDyn,
        ["google.protobuf.Timestamp"] = CelType.Timestamp,
        ["google.protobuf.Duration"] = CelType.Duration,
        ["net.IP"] = CelType.IpAddress,
        ["net.CIDR"] = CelType.Cidr,
    };

    private readonly FunctionRegistry _functions;
    private readonly string[] _containerPrefixes;
    private readonly List<(string Name, Node Node)> _scope = [];
    private int _slots;

    public Planner(FunctionRegistry functions, string container)
    {
        _functions = functions;
        _containerPrefixes = ContainerPrefixes(container);
    }

    public int SlotCount => _slots;

    public static bool TryGetTypeName(string name, out CelType type) => TypeNames.TryGetValue(name, out type!);

    internal static string[] ContainerPrefixes(string container)
    {
        var prefixes = new List<string>();
        if (!string.IsNullOrEmpty(container))
        {
            var parts = container.Split('.');
            for (var k = parts.Length; k > 0; k--)
            {
                prefixes.Add(string.Join('.', parts, 0, k) + ".");
            }
        }

        prefixes.Add(string.Empty);
        return prefixes.ToArray();
    }

    public Node Plan(Expr e)
    {
        switch (e)
        {
            case ConstExpr c:
                return new ConstNode(c.Offset, c.Value);
            case IdentExpr id:
                return LookupLocal(id.Name, id.Offset) ?? Attribute(id.Offset, id.Name, []);
            case SelectExpr s:
                return PlanSelect(s);
            case CallExpr call:
                return PlanCall(call);
            case ListExpr list:
                return new ListNode(list.Offset, list.Elements.Select(Plan).ToArray(), list.Optional);
            case MapExpr map:
                return new MapNode(
                    map.Offset,
                    map.Entries.Select(x => Plan(x.Key)).ToArray(),
                    map.Entries.Select(x => Plan(x.Value)).ToArray(),
                    map.Entries.Select(x => x.Optional).ToArray());
            case StructExpr st:
                return new FailingCallNode(st.Offset, st.Fields.Select(x => Plan(x.Value)).ToArray(), $"unknown type: {st.TypeName}");
            case ComprehensionExpr comp:
                return PlanComprehension(comp);
            case BlockExpr block:
                return PlanBlock(block);
            default:
                throw new InvalidOperationException($"unexpected expression node {e.GetType().Name}");
        }
    }

    private Node? LookupLocal(string name, int offset)
    {
        for (var i = _scope.Count - 1; i >= 0; i--)
        {
            if (_scope[i].Name == name)
            {
                return _scope[i].Node;
            }
        }

        return null;
    }

    private Node PlanSelect(SelectExpr s)
    {
        if (!s.TestOnly && QualifiedChain(s) is { } chain && LookupLocal(chain[0], s.Offset) is null)
        {
            return Attribute(s.Offset, chain[0], chain[1..]);
        }

        return new SelectNode(s.Offset, Plan(s.Operand), s.Field, s.TestOnly);
    }

    /// <summary>The identifier chain of <c>a.b.c</c> as [a, b, c], or null when the operand is not a plain chain.</summary>
    private static string[]? QualifiedChain(Expr e)
    {
        var parts = new List<string>();
        while (e is SelectExpr { TestOnly: false } s)
        {
            parts.Add(s.Field);
            e = s.Operand;
        }

        if (e is not IdentExpr id)
        {
            return null;
        }

        parts.Add(id.Name);
        parts.Reverse();
        return parts.ToArray();
    }

    private Node Attribute(int offset, string root, string[] fields)
    {
        var absolute = root.StartsWith('.');
        var rootName = absolute ? root[1..] : root;
        var parts = new string[fields.Length + 1];
        parts[0] = rootName;
        fields.CopyTo(parts, 1);
        var prefixes = absolute ? [string.Empty] : _containerPrefixes;
        var candidates = new List<(string, int)>();
        for (var k = parts.Length; k > 0; k--)
        {
            var name = string.Join('.', parts, 0, k);
            foreach (var prefix in prefixes)
            {
                candidates.Add((prefix + name, k - 1));
            }
        }

        CelType? typeName = null;
        var full = string.Join('.', parts);
        foreach (var prefix in prefixes)
        {
            if (TryGetTypeName(prefix + full, out var t))
            {
                typeName = t;
                break;
            }
        }

        var simple = prefixes.Length == 1 && fields.Length == 0;
        return new AttributeNode(offset, rootName, fields, candidates.ToArray(), simple, typeName);
    }

    private Node PlanCall(CallExpr call)
    {
        var args = call.Args;
        if (call.Target is null)
        {
            switch (call.Function)
            {
                case Operators.LogicalAnd:
                    return LogicalNode.And(call.Offset, Plan(args[0]), Plan(args[1]));
                case Operators.LogicalOr:
                    return LogicalNode.Or(call.Offset, Plan(args[0]), Plan(args[1]));
                case Operators.Conditional:
                    return new ConditionalNode(call.Offset, Plan(args[0]), Plan(args[1]), Plan(args[2]));
                case Operators.Equal:
                    return new EqualsNode(call.Offset, Plan(args[0]), Plan(args[1]), false);
                case Operators.NotEquals:
                    return new EqualsNode(call.Offset, Plan(args[0]), Plan(args[1]), true);
                case Operators.Less:
                    return new RelationNode(call.Offset, Plan(args[0]), Plan(args[1]), Relation.Less, call.Function);
                case Operators.LessEquals:
                    return new RelationNode(call.Offset, Plan(args[0]), Plan(args[1]), Relation.LessEquals, call.Function);
                case Operators.Greater:
                    return new RelationNode(call.Offset, Plan(args[0]), Plan(args[1]), Relation.Greater, call.Function);
                case Operators.GreaterEquals:
                    return new RelationNode(call.Offset, Plan(args[0]), Plan(args[1]), Relation.GreaterEquals, call.Function);
                case Operators.Add:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Add);
                case Operators.Subtract:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Subtract);
                case Operators.Multiply:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Multiply);
                case Operators.Divide:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Divide);
                case Operators.Modulo:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Modulo);
                case Operators.Index:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.Index);
                case Operators.OptIndex:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.OptionalIndex);
                case Operators.In:
                    return new BinaryOpNode(call.Offset, Plan(args[0]), Plan(args[1]), CelOperations.In);
                case Operators.LogicalNot:
                    return new UnaryOpNode(call.Offset, Plan(args[0]), CelOperations.Not);
                case Operators.Negate:
                    return new UnaryOpNode(call.Offset, Plan(args[0]), CelOperations.Negate);
                case Operators.NotStrictlyFalse:
                    return new NotStrictlyFalseNode(call.Offset, Plan(args[0]));
                case Operators.OptSelect when args[1] is ConstExpr { Value: CelString field }:
                    return new OptionalSelectNode(call.Offset, Plan(args[0]), field.Value);
            }

            foreach (var prefix in call.Function.StartsWith('.') ? [string.Empty] : _containerPrefixes)
            {
                var name = call.Function.StartsWith('.') ? call.Function[1..] : prefix + call.Function;
                if (_functions.TryGet(name, out var decl))
                {
                    return new CallNode(call.Offset, decl, args.Select(Plan).ToArray());
                }
            }

            return new FailingCallNode(call.Offset, args.Select(Plan).ToArray(), $"no such overload: unknown function '{call.Function}'");
        }

        // Namespaced functions such as math.greatest(...) or optional.of(...) are parsed as receiver calls.
        if (QualifiedChain(call.Target) is { } chain && LookupLocal(chain[0], call.Offset) is null)
        {
            var qualified = string.Join('.', chain) + "." + call.Function;
            if (_functions.TryGet(qualified.TrimStart('.'), out var nsDecl))
            {
                return new CallNode(call.Offset, nsDecl, args.Select(Plan).ToArray());
            }
        }

        if (call.Function is "or" or "orValue" && args.Length == 1)
        {
            return new OptionalOrNode(call.Offset, Plan(call.Target), Plan(args[0]), call.Function == "orValue");
        }

        var all = new Node[args.Length + 1];
        all[0] = Plan(call.Target);
        for (var i = 0; i < args.Length; i++)
        {
            all[i + 1] = Plan(args[i]);
        }

        return _functions.TryGet(call.Function, out var member)
            ? new CallNode(call.Offset, member, all)
            : new FailingCallNode(call.Offset, all, $"no such overload: unknown function '{call.Function}'");
    }

    private int NewSlot() => _slots++;

    private Node PlanComprehension(ComprehensionExpr c)
    {
        var range = Plan(c.Range);
        var slot1 = NewSlot();
        var slot2 = c.IterVar2 is null ? -1 : NewSlot();
        _scope.Add((c.IterVar, new SlotNode(c.Offset, slot1, c.IterVar)));
        if (c.IterVar2 is not null)
        {
            _scope.Add((c.IterVar2, new SlotNode(c.Offset, slot2, c.IterVar2)));
        }

        try
        {
            var filter = c.Filter is null ? null : Plan(c.Filter);
            var step = Plan(c.Step);
            return c.Kind switch
            {
                ComprehensionKind.Bind => new BindNode(c.Offset, slot1, range, step),
                ComprehensionKind.OptMap => new OptionalMapNode(c.Offset, slot1, range, step, false),
                ComprehensionKind.OptFlatMap => new OptionalMapNode(c.Offset, slot1, range, step, true),
                _ => new ComprehensionNode(c.Offset, c.Kind, range, slot1, slot2, filter, step),
            };
        }
        finally
        {
            _scope.RemoveRange(_scope.Count - (c.IterVar2 is null ? 1 : 2), c.IterVar2 is null ? 1 : 2);
        }
    }

    private Node PlanBlock(BlockExpr b)
    {
        var slots = new int[b.Slots.Length];
        for (var i = 0; i < b.Slots.Length; i++)
        {
            var init = Plan(b.Slots[i]);
            slots[i] = NewSlot();
            _scope.Add(("@index" + i, new LazySlotNode(b.Slots[i].Offset, slots[i], init)));
        }

        try
        {
            return new BlockNode(b.Offset, slots, Plan(b.Result));
        }
        finally
        {
            _scope.RemoveRange(_scope.Count - b.Slots.Length, b.Slots.Length);
        }
    }
}
