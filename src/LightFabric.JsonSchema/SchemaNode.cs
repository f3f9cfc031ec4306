using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.JsonSchema;

[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary>A number of a schema or an instance: exact when it fits a decimal, else a double.</summary>
internal readonly record struct JsonNumber(decimal? Exact, double Approximate)
{
    public int CompareTo(JsonNumber other) => Exact is { } a && other.Exact is { } b
        ? a.CompareTo(b)
        : Approximate.CompareTo(other.Approximate);

    public bool IsInteger => Exact is { } d ? decimal.Truncate(d) == d : double.IsFinite(Approximate) && Math.Floor(Approximate) == Approximate;

    public override string ToString() => Exact?.ToString(System.Globalization.CultureInfo.InvariantCulture)
        ?? Approximate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed record PatternCheck(string Source, Regex Regex);

/// <summary>One compiled subschema. Built once by <see cref="SchemaCompiler"/>, then only read.</summary>
internal sealed class SchemaNode
{
    /// <summary>A boolean schema (true accepts everything, false nothing); null for object schemas.</summary>
    public bool? Always { get; set; }

    public string Pointer { get; set; } = "";

    public JsonTypes Types { get; set; }

    public JsonNode?[]? Enum { get; set; }

    public bool HasConst { get; set; }

    public JsonNode? Const { get; set; }

    /// <summary>The absolute URI of the schema resource this subschema belongs to (one instance per URI).</summary>
    public string Base { get; set; } = "";

    public SchemaNode? Ref { get; set; }

    /// <summary>The first target of <c>$dynamicRef</c>: the one used unless the dynamic scope has another.</summary>
    public SchemaNode? DynamicRef { get; set; }

    /// <summary>The anchor name a <c>$dynamicRef</c> looks up in the dynamic scope; null when it is a plain reference.</summary>
    public string? DynamicName { get; set; }

    /// <summary>Every <c>$dynamicAnchor</c> of the compilation by (resource, name); shared by all nodes of one schema.</summary>
    public IReadOnlyDictionary<(string Resource, string Name), SchemaNode>? DynamicAnchors { get; set; }

    public Dictionary<string, SchemaNode>? Properties { get; set; }

    public (PatternCheck Pattern, SchemaNode Schema)[]? PatternProperties { get; set; }

    public SchemaNode? AdditionalProperties { get; set; }

    public SchemaNode? PropertyNames { get; set; }

    public int? MinProperties { get; set; }

    public int? MaxProperties { get; set; }

    public string[]? Required { get; set; }

    public Dictionary<string, string[]>? DependentRequired { get; set; }

    public Dictionary<string, SchemaNode>? DependentSchemas { get; set; }

    public SchemaNode[]? PrefixItems { get; set; }

    public SchemaNode? Items { get; set; }

    public SchemaNode? Contains { get; set; }

    public int? MinContains { get; set; }

    public int? MaxContains { get; set; }

    public int? MinItems { get; set; }

    public int? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    public JsonNumber? Minimum { get; set; }

    public JsonNumber? Maximum { get; set; }

    public JsonNumber? ExclusiveMinimum { get; set; }

    public JsonNumber? ExclusiveMaximum { get; set; }

    public JsonNumber? MultipleOf { get; set; }

    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public PatternCheck? Pattern { get; set; }

    public string? Format { get; set; }

    public SchemaNode[]? AllOf { get; set; }

    public SchemaNode[]? AnyOf { get; set; }

    public SchemaNode[]? OneOf { get; set; }

    public SchemaNode? Not { get; set; }

    public SchemaNode? If { get; set; }

    public SchemaNode? Then { get; set; }

    public SchemaNode? Else { get; set; }

    /// <summary>Applies to the properties no other keyword of this schema or its passing in-place subschemas evaluated.</summary>
    public SchemaNode? UnevaluatedProperties { get; set; }

    /// <summary>Applies to the items no other keyword of this schema or its passing in-place subschemas evaluated.</summary>
    public SchemaNode? UnevaluatedItems { get; set; }
}
