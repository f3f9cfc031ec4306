using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>Source-generated (de)serialization of <see cref="JsonNode"/>, for turning a node into a JsonElement.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeContext : JsonSerializerContext;
