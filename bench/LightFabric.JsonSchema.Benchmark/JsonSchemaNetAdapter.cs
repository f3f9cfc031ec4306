using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NetSchema = Json.Schema.JsonSchema;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>
/// JsonSchema.Net 8.0.5 as the product would call it: one build per schema with its own registry (so schemas that
/// share an <c>$id</c> do not meet in the global one), evaluation with the error list the tool error needs.
/// </summary>
public static class JsonSchemaNetAdapter
{
    private const string Draft07 = "http://json-schema.org/draft-07/schema#";

    /// <summary>The errors output: what the router needs to tell a caller what is wrong.</summary>
    public static readonly EvaluationOptions ListOutput = new() { OutputFormat = OutputFormat.List };

    /// <summary>Pass or fail only, for the suite (the in-house side answers with <c>IsValid</c> too).</summary>
    public static readonly EvaluationOptions FlagOutput = new() { OutputFormat = OutputFormat.Flag };

    /// <summary>
    /// Builds a schema. Without <c>$schema</c> it is read as 2020-12, as the in-house validator does; <paramref
    /// name="documents"/> are handed out by URI when a reference names one (built on first use, never fetched).
    /// </summary>
    public static NetSchema Build(JsonElement schema, IReadOnlyDictionary<string, JsonNode>? documents = null)
    {
        var dialect = IsDraft07(schema) ? Dialect.Draft07 : Dialect.Draft202012;
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry, Dialect = dialect };
        if (documents is not null)
        {
            registry.Fetch = (uri, _) => documents.TryGetValue(uri.GetLeftPart(UriPartial.Query), out var document)
                ? NetSchema.Build(ToElement(document), options, uri)
                : null;
        }

        return NetSchema.Build(schema, options);
    }

    public static JsonElement ToElement(JsonNode? node) => JsonSerializer.SerializeToElement(node, JsonNodeContext.Default.JsonNode);

    /// <summary>The suite's view of JsonSchema.Net, the same shape as the in-house <c>InHouse.Factory</c>.</summary>
    public static Func<JsonNode?, bool> SuiteFactory(JsonNode? schema, IReadOnlyDictionary<string, JsonNode> remotes)
    {
        var compiled = Build(ToElement(schema), remotes);
        return instance => compiled.Evaluate(ToElement(instance), FlagOutput).IsValid;
    }

    private static bool IsDraft07(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$schema", out var dialect)
        && dialect.ValueKind == JsonValueKind.String && dialect.GetString() == Draft07;
}
