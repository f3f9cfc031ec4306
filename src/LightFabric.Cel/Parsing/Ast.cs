using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Parsing;

/// <summary>A node of the parsed (and macro-expanded) expression tree. <see cref="Offset"/> is the source position.</summary>
public abstract class Expr
{
    protected Expr(int offset) => Offset = offset;

    public int Offset { get; }

    /// <summary>Height of the subtree (a leaf is 1); bounded by the parser so that tree walks cannot exhaust the stack.</summary>
    public int Height { get; internal set; } = 1;

    /// <summary>Deepest nesting of iterating comprehensions inside this subtree.</summary>
    public int Nesting { get; internal set; }
}

public sealed class ConstExpr(int offset, CelValue value) : Expr(offset)
{
    public CelValue Value { get; } = value;
}

public sealed class IdentExpr(int offset, string name) : Expr(offset)
{
    public string Name { get; } = name;
}

/// <summary><c>operand.field</c>, or <c>has(operand.field)</c> when <see cref="TestOnly"/>.</summary>
public sealed class SelectExpr(int offset, Expr operand, string field, bool testOnly) : Expr(offset)
{
    public Expr Operand { get; } = operand;

    public string Field { get; } = field;

    public bool TestOnly { get; } = testOnly;
}

/// <summary>A function call; operators use their internal names (<c>_+_</c>, <c>_[_]</c>, <c>@in</c>, ...).</summary>
public sealed class CallExpr(int offset, Expr? target, string function, Expr[] args) : Expr(offset)
{
    public Expr? Target { get; } = target;

    public string Function { get; } = function;

    public Expr[] Args { get; } = args;
}

public sealed class ListExpr(int offset, Expr[] elements, bool[] optional) : Expr(offset)
{
    public Expr[] Elements { get; } = elements;

    /// <summary>Per element: written as <c>?e</c> (included only when the optional has a value).</summary>
    public bool[] Optional { get; } = optional;
}

public sealed record MapEntry(Expr Key, Expr Value, bool Optional, int Offset);

public sealed class MapExpr(int offset, MapEntry[] entries) : Expr(offset)
{
    public MapEntry[] Entries { get; } = entries;
}

public sealed record FieldInit(string Name, Expr Value, bool Optional, int Offset);

/// <summary>Message construction <c>Type{field: value}</c>.</summary>
public sealed class StructExpr(int offset, string typeName, FieldInit[] fields) : Expr(offset)
{
    public string TypeName { get; } = typeName;

    public FieldInit[] Fields { get; } = fields;
}

public enum ComprehensionKind
{
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
    TransformList,
    TransformMap,
    TransformMapEntry,
    SortBy,
    Bind,
    OptMap,
    OptFlatMap,
}

/// <summary>
/// An expanded macro that iterates or binds: <see cref="Range"/> is the iterated collection (or the bound value for
/// <c>cel.bind</c>, or the optional for <c>optMap</c>); <see cref="Filter"/> is the optional filter predicate and
/// <see cref="Step"/> the predicate, transform or body.
/// </summary>
public sealed class ComprehensionExpr(
    int offset,
    ComprehensionKind kind,
    string iterVar,
    string? iterVar2,
    Expr range,
    Expr? filter,
    Expr step) : Expr(offset)
{
    public ComprehensionKind Kind { get; } = kind;

    public string IterVar { get; } = iterVar;

    public string? IterVar2 { get; } = iterVar2;

    public Expr Range { get; } = range;

    public Expr? Filter { get; } = filter;

    public Expr Step { get; } = step;
}

/// <summary><c>cel.block([e0, e1, ...], result)</c>: lazily evaluated slots named <c>@index0</c>, <c>@index1</c>, ...</summary>
public sealed class BlockExpr(int offset, Expr[] slots, Expr result) : Expr(offset)
{
    public Expr[] Slots { get; } = slots;

    public Expr Result { get; } = result;
}

internal static class Operators
{
    public const string Conditional = "_?_:_";
    public const string LogicalAnd = "_&&_";
    public const string LogicalOr = "_||_";
    public const string LogicalNot = "!_";
    public const string Negate = "-_";
    public const string Equal = "_==_";
    public const string NotEquals = "_!=_";
    public const string Less = "_<_";
    public const string LessEquals = "_<=_";
    public const string Greater = "_>_";
    public const string GreaterEquals = "_>=_";
    public const string Add = "_+_";
    public const string Subtract = "_-_";
    public const string Multiply = "_*_";
    public const string Divide = "_/_";
    public const string Modulo = "_%_";
    public const string Index = "_[_]";
    public const string OptIndex = "_[?_]";
    public const string OptSelect = "_?._";
    public const string In = "@in";
    public const string NotStrictlyFalse = "@not_strictly_false";
}
