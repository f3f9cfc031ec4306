using LightFabric.Cel.Library;
using LightFabric.Cel.Parsing;
using LightFabric.Cel.Runtime;

namespace LightFabric.Cel.Profiles;

/// <summary>Checks a parsed expression against a profile's function, root-variable and comprehension rules.</summary>
internal sealed class ProfileValidator
{
    private readonly CelProfile _profile;
    private readonly FunctionRegistry _functions;
    private readonly List<(int Offset, string Message)> _issues = [];
    private readonly List<string> _locals = [];

    private ProfileValidator(CelProfile profile, FunctionRegistry functions)
    {
        _profile = profile;
        _functions = functions;
    }

    public static List<(int Offset, string Message)> Validate(Expr e, CelProfile profile, FunctionRegistry functions)
    {
        var v = new ProfileValidator(profile, functions);
        v.Visit(e);
        return v._issues;
    }

    private void Visit(Expr e)
    {
        switch (e)
        {
            case IdentExpr id:
                CheckRoot(id.Name, id.Offset);
                break;
            case SelectExpr s:
                Visit(s.Operand);
                break;
            case CallExpr c:
                VisitCall(c);
                break;
            case ListExpr l:
                foreach (var x in l.Elements)
                {
                    Visit(x);
                }

                break;
            case MapExpr m:
                foreach (var entry in m.Entries)
                {
                    Visit(entry.Key);
                    Visit(entry.Value);
                }

                break;
            case StructExpr st:
                foreach (var f in st.Fields)
                {
                    Visit(f.Value);
                }

                break;
            case ComprehensionExpr comp:
                VisitComprehension(comp);
                break;
            case BlockExpr b:
                for (var i = 0; i < b.Slots.Length; i++)
                {
                    Visit(b.Slots[i]);
                    _locals.Add("@index" + i);
                }

                Visit(b.Result);
                _locals.RemoveRange(_locals.Count - b.Slots.Length, b.Slots.Length);
                break;
        }
    }

    private void CheckRoot(string name, int offset)
    {
        var root = name.TrimStart('.');
        if (_locals.Contains(root) || Planner.TryGetTypeName(root, out _))
        {
            return;
        }

        if (!_profile.AllowsRoot(root))
        {
            _issues.Add((offset, root == "context"
                ? $"the '{_profile.Name}' profile does not expose the 'context' root; use the curated roots instead"
                : $"variable '{root}' is not allowed by the '{_profile.Name}' profile"));
        }
    }

    private void VisitCall(CallExpr c)
    {
        var name = c.Function;
        if (c.Target is not null)
        {
            var chain = QualifiedName(c.Target);
            if (chain is not null && !_locals.Contains(chain.Split('.')[0]) && _functions.Contains(chain + "." + name))
            {
                name = chain + "." + name;
            }
            else
            {
                Visit(c.Target);
            }
        }

        if (!name.StartsWith('_') && !name.StartsWith('@') && name != "!_" && name != "-_" && !_profile.AllowsFunction(name))
        {
            _issues.Add((c.Offset, $"function '{name}' is not allowed by the '{_profile.Name}' profile"));
        }

        foreach (var a in c.Args)
        {
            Visit(a);
        }
    }

    private void VisitComprehension(ComprehensionExpr comp)
    {
        var function = comp.Kind switch
        {
            ComprehensionKind.Bind => "cel.bind",
            ComprehensionKind.OptMap => "optMap",
            ComprehensionKind.OptFlatMap => "optFlatMap",
            _ => null,
        };
        if (function is null && !_profile.AllowComprehensions)
        {
            _issues.Add((comp.Offset, $"comprehensions are not allowed by the '{_profile.Name}' profile"));
        }
        else if (function is not null && !_profile.AllowsFunction(function))
        {
            _issues.Add((comp.Offset, $"function '{function}' is not allowed by the '{_profile.Name}' profile"));
        }

        Visit(comp.Range);
        _locals.Add(comp.IterVar);
        if (comp.IterVar2 is not null)
        {
            _locals.Add(comp.IterVar2);
        }

        if (comp.Filter is not null)
        {
            Visit(comp.Filter);
        }

        Visit(comp.Step);
        _locals.RemoveRange(_locals.Count - (comp.IterVar2 is null ? 1 : 2), comp.IterVar2 is null ? 1 : 2);
    }

    private static string? QualifiedName(Expr e) => e switch
    {
        IdentExpr id => id.Name.TrimStart('.'),
        SelectExpr { TestOnly: false } s when QualifiedName(s.Operand) is { } p => p + "." + s.Field,
        _ => null,
    };
}
