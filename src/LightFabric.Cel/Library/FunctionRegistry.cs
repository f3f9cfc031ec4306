using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Library;

/// <summary>One typed signature of a function and its implementation.</summary>
public sealed class Overload
{
    internal Overload(string id, bool isMember, CelType[] parameters, CelType result, Func<CelValue[], CelValue> invoke)
    {
        Id = id;
        IsMember = isMember;
        Parameters = parameters;
        Result = result;
        Invoke = invoke;
    }

    public string Id { get; }

    /// <summary>True for receiver-style calls (<c>x.f(y)</c>); the receiver is the first parameter.</summary>
    public bool IsMember { get; }

    public IReadOnlyList<CelType> Parameters { get; }

    public CelType Result { get; }

    internal Func<CelValue[], CelValue> Invoke { get; }

    internal Func<CelValue, CelValue>? Unary { get; init; }

    internal Func<CelValue, CelValue, CelValue>? Binary { get; init; }

    internal bool Accepts(CelValue[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!AcceptsValue(Parameters[i], args[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool AcceptsValue(CelType t, CelValue v) => t.Kind switch
    {
        CelTypeKind.Dyn or CelTypeKind.TypeParam => true,
        CelTypeKind.Null => v.Kind == CelValueKind.Null,
        CelTypeKind.Bool => v.Kind == CelValueKind.Bool,
        CelTypeKind.Int => v.Kind == CelValueKind.Int,
        CelTypeKind.Uint => v.Kind == CelValueKind.Uint,
        CelTypeKind.Double => v.Kind == CelValueKind.Double,
        CelTypeKind.String => v.Kind == CelValueKind.String,
        CelTypeKind.Bytes => v.Kind == CelValueKind.Bytes,
        CelTypeKind.List => v.Kind == CelValueKind.List,
        CelTypeKind.Map => v.Kind == CelValueKind.Map,
        CelTypeKind.Type => v.Kind == CelValueKind.Type,
        CelTypeKind.Timestamp => v.Kind == CelValueKind.Timestamp,
        CelTypeKind.Duration => v.Kind == CelValueKind.Duration,
        CelTypeKind.Opaque => t.IsOptional ? v.Kind == CelValueKind.Optional : v.Kind == CelValueKind.Opaque && v.Type.Name == t.Name,
        _ => false,
    };
}

/// <summary>All overloads of one function name.</summary>
public sealed class FunctionDecl
{
    private readonly List<Overload> _overloads = [];

    internal FunctionDecl(string name) => Name = name;

    public string Name { get; }

    public IReadOnlyList<Overload> Overloads => _overloads;

    internal void Add(Overload o) => _overloads.Add(o);

    /// <summary>Runtime dispatch on argument kinds. Errors in arguments propagate (the first one wins).</summary>
    internal CelValue Dispatch(CelValue[] args)
    {
        foreach (var a in args)
        {
            if (a.Kind == CelValueKind.Error)
            {
                return a;
            }
        }

        foreach (var o in _overloads)
        {
            if (o.Parameters.Count == args.Length && o.Accepts(args))
            {
                return o.Invoke(args);
            }
        }

        return CelError.NoSuchOverload(Name, args);
    }
}

/// <summary>The functions known to an environment, by name.</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, FunctionDecl> _functions = new(StringComparer.Ordinal);

    public IEnumerable<FunctionDecl> Functions => _functions.Values;

    public bool TryGet(string name, out FunctionDecl decl) => _functions.TryGetValue(name, out decl!);

    public bool Contains(string name) => _functions.ContainsKey(name);

    internal FunctionDecl GetOrAdd(string name)
    {
        if (!_functions.TryGetValue(name, out var d))
        {
            d = new FunctionDecl(name);
            _functions[name] = d;
        }

        return d;
    }

    internal void Add(string name, string id, bool member, CelType[] parameters, CelType result, Func<CelValue[], CelValue> impl) =>
        GetOrAdd(name).Add(new Overload(id, member, parameters, result, impl));

    internal void Global(string name, string id, CelType result, Func<CelValue[], CelValue> impl, params CelType[] parameters) =>
        Add(name, id, false, parameters, result, impl);

    internal void Member(string name, string id, CelType result, Func<CelValue[], CelValue> impl, params CelType[] parameters) =>
        Add(name, id, true, parameters, result, impl);

    internal void Unary(string name, string id, bool member, CelType p, CelType result, Func<CelValue, CelValue> impl) =>
        GetOrAdd(name).Add(new Overload(id, member, [p], result, a => impl(a[0])) { Unary = impl });

    internal void Binary(string name, string id, bool member, CelType p1, CelType p2, CelType result, Func<CelValue, CelValue, CelValue> impl) =>
        GetOrAdd(name).Add(new Overload(id, member, [p1, p2], result, a => impl(a[0], a[1])) { Binary = impl });

    /// <summary>Registers a declaration with no implementation; calls fail at runtime with "no such overload".</summary>
    internal void Declare(string name, string id, bool member, CelType[] parameters, CelType result) =>
        Add(name, id, member, parameters, result, a => CelError.NoSuchOverload(name, a));
}
