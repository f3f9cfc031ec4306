using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema.Tests.Conformance;

/// <summary>The suite's view of the in-house validator: the public facade, remotes given as known documents.</summary>
public static class InHouse
{
    public static Func<JsonNode?, bool> Factory(JsonNode? schema, IReadOnlyDictionary<string, JsonNode> remotes)
    {
        var compiled = JsonSchema.Compile(schema, JsonSchemaOptions.Default with { Documents = remotes });
        return compiled.IsValid;
    }
}
