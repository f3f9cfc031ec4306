using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema;

/// <summary>
/// A compiled JSON Schema (2020-12, with draft-07 spellings accepted): compiled once, immutable, safe to share
/// between threads. Only local references are resolved; <c>format</c> is an annotation unless
/// <see cref="JsonSchemaOptions.AssertFormat"/> is set. <c>unevaluatedProperties</c> and <c>unevaluatedItems</c>
/// follow 2020-12 (annotations of passing in-place subschemas count, those of failing ones do not), except in a
/// document whose <c>$schema</c> is draft-07 or older, which has no such keywords.
/// </summary>
public sealed class JsonSchema
{
    private readonly SchemaNode _root;

    private JsonSchema(SchemaNode root, JsonSchemaOptions options)
    {
        _root = root;
        Options = options;
    }

    public JsonSchemaOptions Options { get; }

    /// <summary>Compiles a schema object or boolean; throws <see cref="JsonSchemaException"/> saying what is wrong and where.</summary>
    public static JsonSchema Compile(JsonNode? schema, JsonSchemaOptions? options = null)
    {
        options ??= JsonSchemaOptions.Default;
        return new JsonSchema(SchemaCompiler.Compile(schema, options), options);
    }

    public static bool TryCompile(JsonNode? schema, out JsonSchema? compiled, out string? problem, JsonSchemaOptions? options = null)
    {
        try
        {
            compiled = Compile(schema, options);
            problem = null;
            return true;
        }
        catch (JsonSchemaException ex)
        {
            compiled = null;
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>Validates a value; reports at most <paramref name="maxErrors"/> (default <see cref="JsonSchemaOptions.MaxErrors"/>) errors.</summary>
    public SchemaValidationResult Validate(JsonNode? instance, int? maxErrors = null)
    {
        var limit = Math.Max(1, maxErrors ?? Options.MaxErrors);
        var depth = SchemaCompiler.JsonDepth(instance, Options.MaxInstanceDepth);
        if (depth > Options.MaxInstanceDepth)
        {
            return new SchemaValidationResult(false,
                [new SchemaError("", "maxInstanceDepth", $"the value is nested deeper than {Options.MaxInstanceDepth} levels")]);
        }

        var evaluator = new SchemaEvaluator(Options, limit);
        try
        {
            if (evaluator.Evaluate(_root, instance, null, collect: true))
            {
                return SchemaValidationResult.Valid;
            }
        }
        catch (EvaluationAbortedException ex)
        {
            // Out of budget: the value is not accepted (fail closed).
            var errors = evaluator.Errors.Take(limit - 1).ToList();
            errors.Add(new SchemaError("", ex.Keyword, ex.Message));
            return new SchemaValidationResult(false, errors);
        }

        if (evaluator.Errors.Count == 0)
        {
            // Every failure is reported, so this is not expected; never call an invalid value valid.
            return new SchemaValidationResult(false, [new SchemaError("", "schema", "the value does not match the schema")]);
        }

        return new SchemaValidationResult(false, evaluator.Errors);
    }

    public bool IsValid(JsonNode? instance) => Validate(instance, 1).IsValid;
}
