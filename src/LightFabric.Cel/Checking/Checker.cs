using LightFabric.Cel.Library;
using LightFabric.Cel.Parsing;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Checking;

/// <summary>Outcome of type checking: the deduced type and any errors with source offsets.</summary>
public sealed record CheckResult(CelType Type, IReadOnlyList<(int Offset, string Message)> Errors);

/// <summary>
/// Deduces the type of an expression from declared variables and function signatures, unifying type parameters.
/// Values of type <c>dyn</c> are accepted everywhere, so unchecked inputs still pass.
/// </summary>
internal sealed class Checker
{
    private readonly FunctionRegistry _functions;
    private readonly IReadOnlyDictionary<string, CelType> _variables;
    private readonly string[] _containerPrefixes;
    private readonly string _container;
    private readonly Dictionary<string, CelType> _subst = new(StringComparer.Ordinal);
    private readonly List<(string Name, CelType Type)> _scope = [];
    private readonly List<(int, string)> _errors = [];
    private int _fresh;

    public Checker(FunctionRegistry functions, IReadOnlyDictionary<string, CelType> variables, string container)
    {
        _functions = functions;
        _variables = variables;
        _container = container;
        _containerPrefixes = Planner.ContainerPrefixes(container);
    }

    public CheckResult Check(Expr e)
    {
        var t = Visit(e);
        return new CheckResult(Finalize(t), _errors);
    }

    private CelType Error(int offset, string message)
    {
        _errors.Add((offset, message));
        return CelType.Error;
    }

    private CelType FreshParam() => CelType.Param("_T" + _fresh++);

    private CelType Visit(Expr e)
    {
        switch (e)
        {
            case ConstExpr c:
                return c.Value.Kind == CelValueKind.Null ? CelType.Null : c.Value.Type;
            case IdentExpr id:
                return ResolveIdent(id.Name, id.Offset) ?? Error(id.Offset, $"undeclared reference to '{id.Name.TrimStart('.')}' (in container '{_container}')");
            case SelectExpr s:
                return VisitSelect(s);
            case CallExpr call:
                return VisitCall(call);
            case ListExpr list:
            {
                CelType? elem = null;
                for (var i = 0; i < list.Elements.Length; i++)
                {
                    var t = Visit(list.Elements[i]);
                    if (list.Optional[i])
                    {
                        t = Substitute(t).IsOptional ? Substitute(t).Param0 : t.Kind is CelTypeKind.Dyn or CelTypeKind.Error ? t : Error(list.Elements[i].Offset, $"expected optional type, found '{Format(t)}'");
                    }

                    elem = Join(elem, t);
                }

                return CelType.List(elem ?? FreshParam());
            }

            case MapExpr map:
            {
                CelType? key = null;
                CelType? value = null;
                foreach (var entry in map.Entries)
                {
                    key = Join(key, Visit(entry.Key));
                    var vt = Visit(entry.Value);
                    if (entry.Optional)
                    {
                        var st = Substitute(vt);
                        vt = st.IsOptional ? st.Param0 : st.Kind is CelTypeKind.Dyn or CelTypeKind.Error ? st : Error(entry.Value.Offset, $"expected optional type, found '{Format(st)}'");
                    }

                    value = Join(value, vt);
                }

                return CelType.Map(key ?? FreshParam(), value ?? FreshParam());
            }

            case StructExpr st:
                foreach (var f in st.Fields)
                {
                    Visit(f.Value);
                }

                return Error(st.Offset, $"undeclared reference to '{st.TypeName}' (in container '{_container}')");
            case ComprehensionExpr comp:
                return VisitComprehension(comp);
            case BlockExpr block:
            {
                for (var i = 0; i < block.Slots.Length; i++)
                {
                    _scope.Add(("@index" + i, Visit(block.Slots[i])));
                }

                var t = Visit(block.Result);
                _scope.RemoveRange(_scope.Count - block.Slots.Length, block.Slots.Length);
                return t;
            }

            default:
                return CelType.Dyn;
        }
    }

    private CelType? ResolveIdent(string name, int offset)
    {
        for (var i = _scope.Count - 1; i >= 0; i--)
        {
            if (_scope[i].Name == name)
            {
                return _scope[i].Type;
            }
        }

        var absolute = name.StartsWith('.');
        var bare = absolute ? name[1..] : name;
        foreach (var prefix in absolute ? [string.Empty] : _containerPrefixes)
        {
            if (_variables.TryGetValue(prefix + bare, out var t))
            {
                return t;
            }

            if (Planner.TryGetTypeName(prefix + bare, out var tn))
            {
                return CelType.TypeOf(tn);
            }
        }

        return null;
    }

    private static string? QualifiedName(Expr e) => e switch
    {
        IdentExpr id => id.Name,
        SelectExpr { TestOnly: false } s when QualifiedName(s.Operand) is { } p => p + "." + s.Field,
        _ => null,
    };

    private bool IsLocal(string name) => _scope.Any(s => s.Name == name);

    private CelType VisitSelect(SelectExpr s)
    {
        if (!s.TestOnly && QualifiedName(s) is { } q && !IsLocal(q.Split('.')[0]) && ResolveIdent(q, s.Offset) is { } qt)
        {
            return qt;
        }

        var operand = Substitute(Visit(s.Operand));
        var field = FieldType(operand, s.Field, s.Offset);
        return s.TestOnly ? CelType.Bool : field;
    }

    private CelType FieldType(CelType operand, string field, int offset)
    {
        switch (operand.Kind)
        {
            case CelTypeKind.Map:
                return operand.Param1;
            case CelTypeKind.Dyn:
            case CelTypeKind.Error:
            case CelTypeKind.TypeParam:
            case CelTypeKind.Message:
                return CelType.Dyn;
            default:
                if (operand.IsOptional)
                {
                    return CelType.Optional(FieldType(Substitute(operand.Param0), field, offset));
                }

                return Error(offset, $"type '{Format(operand)}' does not support field selection");
        }
    }

    private CelType VisitComprehension(ComprehensionExpr c)
    {
        var range = Substitute(Visit(c.Range));
        CelType t1;
        CelType? t2 = null;
        switch (c.Kind)
        {
            case ComprehensionKind.Bind:
                t1 = range;
                break;
            case ComprehensionKind.OptMap:
            case ComprehensionKind.OptFlatMap:
                t1 = range.IsOptional ? range.Param0 : range.Kind is CelTypeKind.Dyn or CelTypeKind.Error ? CelType.Dyn : Error(c.Range.Offset, $"expected optional type, found '{Format(range)}'");
                break;
            default:
                switch (range.Kind)
                {
                    case CelTypeKind.List:
                        t1 = c.IterVar2 is null ? range.Param0 : CelType.Int;
                        t2 = c.IterVar2 is null ? null : range.Param0;
                        break;
                    case CelTypeKind.Map:
                        t1 = range.Param0;
                        t2 = c.IterVar2 is null ? null : range.Param1;
                        break;
                    case CelTypeKind.Dyn:
                    case CelTypeKind.Error:
                    case CelTypeKind.TypeParam:
                        t1 = CelType.Dyn;
                        t2 = c.IterVar2 is null ? null : CelType.Dyn;
                        break;
                    default:
                        t1 = Error(c.Range.Offset, $"expression of type '{Format(range)}' cannot be the range of a comprehension (must be list, map, or dynamic)");
                        t2 = c.IterVar2 is null ? null : CelType.Dyn;
                        break;
                }

                break;
        }

        _scope.Add((c.IterVar, t1));
        if (c.IterVar2 is not null)
        {
            _scope.Add((c.IterVar2, t2 ?? CelType.Dyn));
        }

        try
        {
            if (c.Filter is not null)
            {
                ExpectBool(Visit(c.Filter), c.Filter.Offset);
            }

            var step = Visit(c.Step);
            switch (c.Kind)
            {
                case ComprehensionKind.All:
                case ComprehensionKind.Exists:
                case ComprehensionKind.ExistsOne:
                    ExpectBool(step, c.Step.Offset);
                    return CelType.Bool;
                case ComprehensionKind.Filter:
                    ExpectBool(step, c.Step.Offset);
                    return CelType.List(c.IterVar2 is null ? t1 : t2!);
                case ComprehensionKind.Map:
                case ComprehensionKind.TransformList:
                    return CelType.List(step);
                case ComprehensionKind.TransformMap:
                    return CelType.Map(range.Kind == CelTypeKind.Map ? range.Param0 : CelType.Dyn, step);
                case ComprehensionKind.TransformMapEntry:
                {
                    var s = Substitute(step);
                    return s.Kind == CelTypeKind.Map || s.Kind is CelTypeKind.Dyn or CelTypeKind.Error ? s : Error(c.Step.Offset, $"expected map type, found '{Format(s)}'");
                }

                case ComprehensionKind.SortBy:
                    return CelType.List(t1);
                case ComprehensionKind.OptMap:
                    return CelType.Optional(step);
                case ComprehensionKind.OptFlatMap:
                {
                    var s = Substitute(step);
                    return s.IsOptional || s.Kind is CelTypeKind.Dyn or CelTypeKind.Error ? s : Error(c.Step.Offset, $"expected optional type, found '{Format(s)}'");
                }

                default:
                    return step;
            }
        }
        finally
        {
            _scope.RemoveRange(_scope.Count - (c.IterVar2 is null ? 1 : 2), c.IterVar2 is null ? 1 : 2);
        }
    }

    private void ExpectBool(CelType t, int offset)
    {
        if (!Unify(CelType.Bool, t))
        {
            Error(offset, $"expected type 'bool' but found '{Format(t)}'");
        }
    }

    private CelType VisitCall(CallExpr call)
    {
        if (call.Target is null)
        {
            switch (call.Function)
            {
                case Operators.OptSelect when call.Args[1] is ConstExpr { Value: CelString field }:
                {
                    var operand = Substitute(Visit(call.Args[0]));
                    var inner = operand.IsOptional ? Substitute(operand.Param0) : operand;
                    var ft = FieldType(inner, field.Value, call.Offset);
                    return ft.IsOptional ? ft : CelType.Optional(ft);
                }

                case Operators.OptIndex:
                {
                    var operand = Substitute(Visit(call.Args[0]));
                    var index = Visit(call.Args[1]);
                    var inner = operand.IsOptional ? Substitute(operand.Param0) : operand;
                    var elem = inner.Kind switch
                    {
                        CelTypeKind.List => Unify(CelType.Int, index) ? inner.Param0 : Error(call.Offset, $"found no matching overload for '_[?_]' applied to '({Format(inner)}, {Format(index)})'"),
                        CelTypeKind.Map => Unify(inner.Param0, index) ? inner.Param1 : Error(call.Offset, $"found no matching overload for '_[?_]' applied to '({Format(inner)}, {Format(index)})'"),
                        CelTypeKind.Dyn or CelTypeKind.Error or CelTypeKind.TypeParam => CelType.Dyn,
                        _ => Error(call.Offset, $"found no matching overload for '_[?_]' applied to '({Format(inner)}, {Format(index)})'"),
                    };
                    return CelType.Optional(elem);
                }
            }

            var args = call.Args.Select(Visit).ToArray();
            foreach (var prefix in call.Function.StartsWith('.') ? [string.Empty] : _containerPrefixes)
            {
                var name = call.Function.StartsWith('.') ? call.Function[1..] : prefix + call.Function;
                if (_functions.TryGet(name, out var decl))
                {
                    return ResolveOverload(decl, false, args, call.Offset);
                }
            }

            return Error(call.Offset, $"undeclared reference to '{call.Function}' (in container '{_container}')");
        }

        if (QualifiedName(call.Target) is { } q && !IsLocal(q.Split('.')[0]) && _functions.TryGet(q.TrimStart('.') + "." + call.Function, out var ns)
            && ResolveIdent(q, call.Offset) is null)
        {
            return ResolveOverload(ns, false, call.Args.Select(Visit).ToArray(), call.Offset);
        }

        var target = Visit(call.Target);
        var all = new CelType[call.Args.Length + 1];
        all[0] = target;
        for (var i = 0; i < call.Args.Length; i++)
        {
            all[i + 1] = Visit(call.Args[i]);
        }

        if (!_functions.TryGet(call.Function, out var member))
        {
            return Error(call.Offset, $"undeclared reference to '{call.Function}' (in container '{_container}')");
        }

        return ResolveOverload(member, true, all, call.Offset);
    }

    private CelType ResolveOverload(FunctionDecl decl, bool member, CelType[] args, int offset)
    {
        CelType? result = null;
        Dictionary<string, CelType>? chosen = null;
        foreach (var o in decl.Overloads)
        {
            if (o.IsMember != member || o.Parameters.Count != args.Length)
            {
                continue;
            }

            var saved = new Dictionary<string, CelType>(_subst, StringComparer.Ordinal);
            var rename = new Dictionary<string, CelType>(StringComparer.Ordinal);
            var ok = true;
            for (var i = 0; i < args.Length && ok; i++)
            {
                ok = Unify(Freshen(o.Parameters[i], rename), args[i]);
            }

            if (!ok)
            {
                RestoreSubst(saved);
                continue;
            }

            var r = Substitute(Freshen(o.Result, rename));
            if (result is null)
            {
                result = r;
                chosen = new Dictionary<string, CelType>(_subst, StringComparer.Ordinal);
                RestoreSubst(saved);
            }
            else
            {
                RestoreSubst(saved);
                if (!Substitute(result).Equals(r))
                {
                    result = CelType.Dyn;
                }
            }
        }

        if (result is null)
        {
            if (args.Any(a => Substitute(a).Kind == CelTypeKind.Error))
            {
                return CelType.Error;
            }

            return Error(offset, $"found no matching overload for '{decl.Name}' applied to '({string.Join(", ", args.Select(a => Format(a)))})'");
        }

        if (chosen is not null && result.Kind != CelTypeKind.Dyn)
        {
            RestoreSubst(chosen);
        }

        return result;
    }

    private void RestoreSubst(Dictionary<string, CelType> saved)
    {
        _subst.Clear();
        foreach (var (k, v) in saved)
        {
            _subst[k] = v;
        }
    }

    private CelType Freshen(CelType t, Dictionary<string, CelType> rename)
    {
        if (t.Kind == CelTypeKind.TypeParam)
        {
            if (!rename.TryGetValue(t.Name, out var fresh))
            {
                fresh = FreshParam();
                rename[t.Name] = fresh;
            }

            return fresh;
        }

        if (t.Parameters.Count == 0)
        {
            return t;
        }

        return t.WithParameters(t.Parameters.Select(p => Freshen(p, rename)).ToArray());
    }

    private CelType Substitute(CelType t)
    {
        if (t.Kind == CelTypeKind.TypeParam)
        {
            return _subst.TryGetValue(t.Name, out var bound) ? Substitute(bound) : t;
        }

        if (t.Parameters.Count == 0)
        {
            return t;
        }

        return t.WithParameters(t.Parameters.Select(Substitute).ToArray());
    }

    private bool Occurs(string name, CelType t)
    {
        t = Substitute(t);
        return t.Kind == CelTypeKind.TypeParam ? t.Name == name : t.Parameters.Any(p => Occurs(name, p));
    }

    /// <summary>
    /// Whether a value of type <paramref name="arg"/> can be passed where <paramref name="param"/> is expected,
    /// binding type parameters; a bound parameter widens to the more general of its binding and the new type.
    /// </summary>
    private bool Unify(CelType param, CelType arg)
    {
        if (param.Kind == CelTypeKind.TypeParam)
        {
            return UnifyParam(param.Name, arg);
        }

        if (arg.Kind == CelTypeKind.TypeParam)
        {
            return UnifyParam(arg.Name, param);
        }

        if (param.Kind is CelTypeKind.Dyn or CelTypeKind.Error || arg.Kind is CelTypeKind.Dyn or CelTypeKind.Error)
        {
            return true;
        }

        if (param.Kind == CelTypeKind.Null || arg.Kind == CelTypeKind.Null)
        {
            var other = param.Kind == CelTypeKind.Null ? arg : param;
            return other.Kind is CelTypeKind.Null or CelTypeKind.Opaque or CelTypeKind.Message or CelTypeKind.Timestamp or CelTypeKind.Duration;
        }

        if (param.Kind != arg.Kind || param.Name != arg.Name || param.Parameters.Count != arg.Parameters.Count)
        {
            return false;
        }

        if (param.Kind == CelTypeKind.Type)
        {
            // Type values of any types are values of the one type 'type'.
            return true;
        }

        for (var i = 0; i < param.Parameters.Count; i++)
        {
            if (!Unify(param.Parameters[i], arg.Parameters[i]))
            {
                return false;
            }
        }

        return true;
    }

    private bool UnifyParam(string name, CelType other)
    {
        if (_subst.TryGetValue(name, out var bound))
        {
            if (other.Kind == CelTypeKind.TypeParam && other.Name == name)
            {
                return true;
            }

            if (!Unify(bound, other))
            {
                return false;
            }

            var b = Substitute(bound);
            var o = Substitute(other);
            if (!b.Equals(o) && LessSpecificOrEqual(o, b) && !Occurs(name, o))
            {
                _subst[name] = o;
            }

            return true;
        }

        var resolved = Substitute(other);
        if (resolved.Kind == CelTypeKind.TypeParam && resolved.Name == name)
        {
            return true;
        }

        if (Occurs(name, resolved))
        {
            return false;
        }

        _subst[name] = resolved;
        return true;
    }

    /// <summary>The common type of aggregate literal elements; incompatible elements give <c>dyn</c>.</summary>
    private CelType Join(CelType? previous, CelType current)
    {
        if (previous is null)
        {
            return current;
        }

        var saved = new Dictionary<string, CelType>(_subst, StringComparer.Ordinal);
        if (Unify(previous, current))
        {
            var p = Substitute(previous);
            var c = Substitute(current);
            return LessSpecificOrEqual(p, c) ? p : c;
        }

        RestoreSubst(saved);
        return CelType.Dyn;
    }

    private static bool LessSpecificOrEqual(CelType a, CelType b)
    {
        if (a.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam)
        {
            return true;
        }

        if (b.Kind is CelTypeKind.Dyn or CelTypeKind.TypeParam)
        {
            return false;
        }

        if (a.Kind != b.Kind || a.Parameters.Count != b.Parameters.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Parameters.Count; i++)
        {
            if (!LessSpecificOrEqual(a.Parameters[i], b.Parameters[i]))
            {
                return false;
            }
        }

        return true;
    }

    private CelType Finalize(CelType t)
    {
        t = Substitute(t);
        if (t.Kind == CelTypeKind.TypeParam)
        {
            return CelType.Dyn;
        }

        return t.Parameters.Count == 0 ? t : t.WithParameters(t.Parameters.Select(Finalize).ToArray());
    }

    private string Format(CelType t) => Finalize(t).ToString();
}
