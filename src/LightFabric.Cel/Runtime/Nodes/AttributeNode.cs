using LightFabric.Cel.Checking;
using LightFabric.Cel.Library;

namespace LightFabric.Cel.Runtime;

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
