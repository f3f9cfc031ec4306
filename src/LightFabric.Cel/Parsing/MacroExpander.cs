using System.Globalization;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Parsing;

/// <summary>
/// Expands the standard macros (<c>has</c>, <c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>),
/// the two-variable comprehensions, <c>cel.bind</c>, <c>optMap</c>/<c>optFlatMap</c> and the <c>cel.block</c> family.
/// </summary>
internal sealed class MacroExpander
{
    private readonly Parser _parser;

    public MacroExpander(Parser parser) => _parser = parser;

    public Expr? TryExpand(int offset, Expr? target, string name, List<Expr> args)
    {
        if (target is null)
        {
            return name == "has" && args.Count == 1 ? ExpandHas(offset, args[0]) : null;
        }

        if (target is IdentExpr { Name: "cel" })
        {
            return name switch
            {
                "bind" when args.Count == 3 => Comprehension(offset, ComprehensionKind.Bind, args[0], null, args[1], null, args[2]),
                "block" when args.Count == 2 => ExpandBlock(offset, args[0], args[1]),
                "index" when args.Count == 1 => _parser.Node(new IdentExpr(offset, "@index" + IntArg(args[0]))),
                "iterVar" when args.Count == 2 => _parser.Node(new IdentExpr(offset, $"@it:{IntArg(args[0])}:{IntArg(args[1])}")),
                "accuVar" when args.Count == 2 => _parser.Node(new IdentExpr(offset, $"@ac:{IntArg(args[0])}:{IntArg(args[1])}")),
                _ => null,
            };
        }

        switch (name)
        {
            case "all" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.All, args[0], null, target, null, args[1]);
            case "all" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.All, args[0], args[1], target, null, args[2]);
            case "exists" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.Exists, args[0], null, target, null, args[1]);
            case "exists" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.Exists, args[0], args[1], target, null, args[2]);
            case "exists_one" or "existsOne" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.ExistsOne, args[0], null, target, null, args[1]);
            case "exists_one" or "existsOne" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.ExistsOne, args[0], args[1], target, null, args[2]);
            case "map" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.Map, args[0], null, target, null, args[1]);
            case "map" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.Map, args[0], null, target, args[1], args[2]);
            case "filter" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.Filter, args[0], null, target, null, args[1]);
            case "transformList" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.TransformList, args[0], args[1], target, null, args[2]);
            case "transformList" when args.Count == 4:
                return Comprehension(offset, ComprehensionKind.TransformList, args[0], args[1], target, args[2], args[3]);
            case "transformMap" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.TransformMap, args[0], args[1], target, null, args[2]);
            case "transformMap" when args.Count == 4:
                return Comprehension(offset, ComprehensionKind.TransformMap, args[0], args[1], target, args[2], args[3]);
            case "transformMapEntry" when args.Count == 3:
                return Comprehension(offset, ComprehensionKind.TransformMapEntry, args[0], args[1], target, null, args[2]);
            case "transformMapEntry" when args.Count == 4:
                return Comprehension(offset, ComprehensionKind.TransformMapEntry, args[0], args[1], target, args[2], args[3]);
            case "sortBy" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.SortBy, args[0], null, target, null, args[1]);
            case "optMap" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.OptMap, args[0], null, target, null, args[1]);
            case "optFlatMap" when args.Count == 2:
                return Comprehension(offset, ComprehensionKind.OptFlatMap, args[0], null, target, null, args[1]);
            default:
                return null;
        }
    }

    private Expr ExpandHas(int offset, Expr arg)
    {
        if (arg is SelectExpr { TestOnly: false } select)
        {
            return _parser.Node(new SelectExpr(offset, select.Operand, select.Field, true), select.Operand);
        }

        throw new ParseError(arg.Offset, "invalid argument to has() macro");
    }

    private Expr Comprehension(int offset, ComprehensionKind kind, Expr var1, Expr? var2, Expr range, Expr? filter, Expr step)
    {
        var name1 = VarName(var1);
        var name2 = var2 is null ? null : VarName(var2);
        if (name2 is not null && name2 == name1)
        {
            throw new ParseError(var2!.Offset, $"duplicate variable name: {name1}");
        }

        if (name1 is "__result__" || name2 is "__result__")
        {
            throw new ParseError(var1.Offset, "iteration variable overwrites accumulator variable");
        }

        return _parser.Node(new ComprehensionExpr(offset, kind, name1, name2, range, filter, step), range, filter, step);
    }

    private static string VarName(Expr e) => e is IdentExpr { Name: var n } && !n.StartsWith('.')
        ? n
        : throw new ParseError(e.Offset, "argument must be a simple name");

    private Expr ExpandBlock(int offset, Expr slots, Expr result)
    {
        if (slots is not ListExpr list)
        {
            throw new ParseError(slots.Offset, "cel.block requires a list literal as its first argument");
        }

        var children = list.Elements.Append(result).ToArray();
        return _parser.Node(new BlockExpr(offset, list.Elements, result), children);
    }

    private static string IntArg(Expr e) => e is ConstExpr { Value: CelInt i } && i.Value >= 0
        ? i.Value.ToString(CultureInfo.InvariantCulture)
        : throw new ParseError(e.Offset, "argument must be a non-negative int literal");
}
