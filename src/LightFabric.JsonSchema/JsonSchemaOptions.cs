namespace LightFabric.JsonSchema;

/// <summary>
/// Bounds and switches of schema compilation and validation. The defaults suit tool schemas; the gateway reads the
/// bounds from mcp-router.yml <c>schemaValidation:</c> and checks their ranges there.
/// </summary>
public sealed record JsonSchemaOptions
{
    public static JsonSchemaOptions Default { get; } = new();

    /// <summary>Largest schema document accepted, in UTF-8 bytes of its JSON text.</summary>
    public int MaxSchemaBytes { get; init; } = 1_048_576;

    /// <summary>Deepest nesting of subschemas (the document's JSON nesting may be twice this).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most subschemas one document may compile to.</summary>
    public int MaxSubschemas { get; init; } = 4096;

    /// <summary>Deepest instance accepted; a deeper one fails validation without being walked.</summary>
    public int MaxInstanceDepth { get; init; } = 128;

    /// <summary>
    /// Work units one validation may spend (a subschema applied, a keyword checked, two values compared, a property
    /// or item checked for unevaluated*).
    /// </summary>
    public int MaxSteps { get; init; } = 200_000;

    /// <summary>Errors reported at most; validation stops collecting after this many.</summary>
    public int MaxErrors { get; init; } = 10;

    /// <summary>Whether <c>format</c> is asserted. 2020-12 makes it an annotation by default, and so does the gateway.</summary>
    public bool AssertFormat { get; init; }

    /// <summary>
    /// Schema documents a <c>$ref</c> may name by absolute URI (without fragment), besides the schema's own resources.
    /// Nothing is ever fetched; a reference to a document not given here does not compile.
    /// </summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>? Documents { get; init; }

    /// <summary>Time limit of one <c>pattern</c> / <c>patternProperties</c> match (patterns that need backtracking).</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(100);
}
