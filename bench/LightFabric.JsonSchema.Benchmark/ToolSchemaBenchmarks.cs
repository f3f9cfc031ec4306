using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using LightFabric.JsonSchema;
using NetSchema = Json.Schema.JsonSchema;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>
/// Compile and validate one tool schema with each validator. The router holds arguments and structuredContent as
/// <see cref="JsonNode"/>, which the in-house validator reads; JsonSchema.Net reads a <see cref="JsonElement"/>,
/// measured on one made beforehand (its best case) and from the node (its cost behind today's facade).
/// </summary>
public class ToolSchemaBenchmarks
{
    private JsonNode _schemaNode = null!;
    private JsonElement _schemaElement;
    private JsonNode _valid = null!;
    private JsonNode _invalid = null!;
    private JsonElement _validElement;
    private JsonElement _invalidElement;
    private JsonSchema _inHouse = null!;
    private NetSchema _net = null!;

    [ParamsSource(nameof(Cases))]
    public ToolSchemaCase Case { get; set; } = null!;

    public static IEnumerable<ToolSchemaCase> Cases => ToolSchemaCase.All;

    [GlobalSetup]
    public void Setup()
    {
        _schemaNode = Case.Schema;
        _schemaElement = JsonSchemaNetAdapter.ToElement(_schemaNode);
        _valid = Case.Valid;
        _invalid = Case.Invalid;
        _validElement = JsonSchemaNetAdapter.ToElement(_valid);
        _invalidElement = JsonSchemaNetAdapter.ToElement(_invalid);
        _inHouse = JsonSchema.Compile(_schemaNode);
        _net = JsonSchemaNetAdapter.Build(_schemaElement);
        // A validator that accepts everything would be fast and worthless: both must answer as the case says.
        ToolSchemaCheck.Require(Case, _inHouse, _net);
    }

    [Benchmark, BenchmarkCategory("compile")]
    public JsonSchema CompileInHouse() => JsonSchema.Compile(_schemaNode);

    [Benchmark, BenchmarkCategory("compile")]
    public NetSchema CompileNet() => JsonSchemaNetAdapter.Build(_schemaElement);

    [Benchmark, BenchmarkCategory("compile")]
    public NetSchema CompileNetFromNode() => JsonSchemaNetAdapter.Build(JsonSchemaNetAdapter.ToElement(_schemaNode));

    [Benchmark, BenchmarkCategory("valid")]
    public bool ValidInHouse() => _inHouse.Validate(_valid).IsValid;

    [Benchmark, BenchmarkCategory("valid")]
    public bool ValidNet() => _net.Evaluate(_validElement, JsonSchemaNetAdapter.ListOutput).IsValid;

    [Benchmark, BenchmarkCategory("valid")]
    public bool ValidNetFromNode() => _net.Evaluate(JsonSchemaNetAdapter.ToElement(_valid), JsonSchemaNetAdapter.ListOutput).IsValid;

    [Benchmark, BenchmarkCategory("invalid")]
    public bool InvalidInHouse() => _inHouse.Validate(_invalid).IsValid;

    [Benchmark, BenchmarkCategory("invalid")]
    public bool InvalidNet() => _net.Evaluate(_invalidElement, JsonSchemaNetAdapter.ListOutput).IsValid;

    [Benchmark, BenchmarkCategory("invalid")]
    public bool InvalidNetFromNode() => _net.Evaluate(JsonSchemaNetAdapter.ToElement(_invalid), JsonSchemaNetAdapter.ListOutput).IsValid;
}
