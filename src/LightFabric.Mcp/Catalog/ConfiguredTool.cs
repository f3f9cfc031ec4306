using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Catalog;

/// <summary>One <c>tools:</c> entry of mcp-router.yml.</summary>
public sealed record ConfiguredTool
{
    public required string Name { get; init; }

    /// <summary>The backend's own name for the tool (apiType mcp); defaults to <see cref="Name"/>.</summary>
    public string? EndpointName { get; init; }

    public string? Description { get; init; }

    public ConfiguredToolKind Kind { get; init; } = ConfiguredToolKind.Http;

    /// <summary>Base URL of the backend.</summary>
    public required Uri TargetHost { get; init; }

    /// <summary>Path under the base, with <c>{param}</c> placeholders filled from arguments.</summary>
    public required string Path { get; init; }

    /// <summary>GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (CALL resolved at load).</summary>
    public string Method { get; init; } = "POST";

    /// <summary>Policy key; <c>{path}@{method}</c> when not configured.</summary>
    public required string Endpoint { get; init; }

    /// <summary>
    /// Bounds the schemas are compiled and checked with (mcp-router.yml <c>schemaValidation</c>). Set it before the
    /// schemas to compile them once; set after them (or in a <c>with</c>) it compiles them again.
    /// </summary>
    public JsonSchema.JsonSchemaOptions SchemaOptions
    {
        get => _schemaOptions;
        init
        {
            _schemaOptions = value;
            if (_inputSchema is not null)
            {
                (InputValidator, InputSchemaProblem) = CompileSchema(_inputSchema, value);
            }

            if (_outputSchema is not null)
            {
                (OutputValidator, OutputSchemaProblem) = CompileSchema(_outputSchema, value);
            }
        }
    }

    private readonly JsonSchema.JsonSchemaOptions _schemaOptions = JsonSchema.JsonSchemaOptions.Default;

    public required JsonObject InputSchema
    {
        get => _inputSchema!;
        init
        {
            _inputSchema = value;
            MasksArguments = UsesMasking(value);
            (InputValidator, InputSchemaProblem) = CompileSchema(value, _schemaOptions);
        }
    }

    private readonly JsonObject? _inputSchema;

    /// <summary>The input schema compiled at load; null when it does not compile (<see cref="InputSchemaProblem"/> says why).</summary>
    public JsonSchema.JsonSchema? InputValidator { get; private init; }

    public string? InputSchemaProblem { get; private init; }

    /// <summary>Whether the input schema uses x-mask or x-mask-pattern (decided once, at load).</summary>
    public bool MasksArguments { get; private init; }

    public JsonObject? OutputSchema
    {
        get => _outputSchema;
        init
        {
            _outputSchema = value;
            (OutputValidator, OutputSchemaProblem) = value is null ? (null, null) : CompileSchema(value, _schemaOptions);
        }
    }

    private readonly JsonObject? _outputSchema;

    /// <summary>The output schema compiled at load; null when there is none or it does not compile.</summary>
    public JsonSchema.JsonSchema? OutputValidator { get; private init; }

    public string? OutputSchemaProblem { get; private init; }

    public JsonObject? ToolMetadata { get; init; }

    public string? ServiceId { get; init; }

    public string? EnvTag { get; init; }

    public string? Protocol { get; init; }

    private static (JsonSchema.JsonSchema? Validator, string? Problem) CompileSchema(JsonObject schema, JsonSchema.JsonSchemaOptions options) =>
        JsonSchema.JsonSchema.TryCompile(schema, out var validator, out var problem, options) ? (validator, null) : (null, problem);

    private static bool UsesMasking(JsonObject schema) =>
        schema.ToJsonString() is var text && (text.Contains("\"x-mask\"", StringComparison.Ordinal) || text.Contains("\"x-mask-pattern\"", StringComparison.Ordinal));
}
