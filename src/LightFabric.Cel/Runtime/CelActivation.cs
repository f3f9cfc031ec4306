using System.Text.Json;

namespace LightFabric.Cel.Runtime;

/// <summary>
/// The variables an expression is evaluated against. Activations resolve names lazily and may be reused for many
/// evaluations (values converted from JSON are kept).
/// </summary>
public abstract class CelActivation
{
    public static CelActivation Empty { get; } = new DictionaryActivation(new Dictionary<string, CelValue>());

    /// <summary>True when some variable names contain dots (then qualified names are resolved longest-first).</summary>
    public abstract bool HasQualifiedNames { get; }

    public abstract bool TryResolve(string name, out CelValue value);

    /// <summary>Variables from name/value pairs; values are plain .NET values, JSON values or <see cref="CelValue"/>s.</summary>
    public static CelActivation FromVariables(IEnumerable<KeyValuePair<string, object?>> variables)
    {
        var d = new Dictionary<string, CelValue>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            d[name] = CelValueConverter.FromClr(value);
        }

        return new DictionaryActivation(d);
    }

    /// <summary>
    /// Variables from a JSON object: each top-level member is a variable, and when <paramref name="contextRootName"/>
    /// is given the whole object is also bound under that name.
    /// </summary>
    public static CelActivation FromJson(JsonElement root, string? contextRootName = null, IReadOnlySet<string>? allowedRoots = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("the JSON context must be an object", nameof(root));
        }

        return new JsonActivation(root, contextRootName, allowedRoots);
    }
}

internal sealed class DictionaryActivation : CelActivation
{
    private readonly Dictionary<string, CelValue> _variables;

    public DictionaryActivation(Dictionary<string, CelValue> variables)
    {
        _variables = variables;
        HasQualifiedNames = variables.Keys.Any(k => k.Contains('.'));
    }

    public override bool HasQualifiedNames { get; }

    public override bool TryResolve(string name, out CelValue value) => _variables.TryGetValue(name, out value!);
}

internal sealed class JsonActivation : CelActivation
{
    private readonly JsonObjectMap _root;
    private readonly string? _contextRootName;
    private readonly IReadOnlySet<string>? _allowedRoots;

    public JsonActivation(JsonElement root, string? contextRootName, IReadOnlySet<string>? allowedRoots)
    {
        _root = new JsonObjectMap(root);
        _contextRootName = contextRootName;
        _allowedRoots = allowedRoots;
    }

    public override bool HasQualifiedNames => false;

    public override bool TryResolve(string name, out CelValue value)
    {
        if (_contextRootName is not null && string.Equals(name, _contextRootName, StringComparison.Ordinal))
        {
            value = _root;
            return true;
        }

        if (_allowedRoots is not null && !_allowedRoots.Contains(name))
        {
            value = null!;
            return false;
        }

        return _root.TryGetField(name, out value);
    }
}
