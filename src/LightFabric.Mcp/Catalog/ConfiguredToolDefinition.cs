using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Catalog;

/// <summary>
/// The tools/list entry of a configured tool: gateway-private schema keywords (x-mask, x-mask-pattern,
/// x-tokenize, x-sensitive) are removed, and toolMetadata.safety becomes MCP annotations.
/// </summary>
public static class ConfiguredToolDefinition
{
    private static readonly string[] PrivateKeywords = ["x-mask", "x-mask-pattern", "x-tokenize", "x-sensitive"];

    public static JsonObject Create(ConfiguredTool tool)
    {
        var definition = new JsonObject { ["name"] = tool.Name };
        if (tool.ToolMetadata?["title"] is JsonValue title)
        {
            definition["title"] = title.DeepClone();
        }

        if (!string.IsNullOrEmpty(tool.Description))
        {
            definition["description"] = tool.Description;
        }

        definition["inputSchema"] = StripPrivate(tool.InputSchema.DeepClone());
        if (tool.OutputSchema is not null)
        {
            definition["outputSchema"] = StripPrivate(tool.OutputSchema.DeepClone());
        }

        if (Annotations(tool.ToolMetadata) is { } annotations)
        {
            definition["annotations"] = annotations;
        }

        return definition;
    }

    private static JsonObject? Annotations(JsonObject? metadata)
    {
        if (metadata?["safety"] is not JsonObject safety)
        {
            return null;
        }

        var annotations = new JsonObject();
        Copy(safety, annotations, "read_only", "readOnlyHint");
        Copy(safety, annotations, "readOnly", "readOnlyHint");
        Copy(safety, annotations, "destructive", "destructiveHint");
        Copy(safety, annotations, "idempotent", "idempotentHint");
        Copy(safety, annotations, "open_world", "openWorldHint");
        Copy(safety, annotations, "openWorld", "openWorldHint");
        return annotations.Count == 0 ? null : annotations;
    }

    private static void Copy(JsonObject from, JsonObject to, string key, string annotation)
    {
        if (from[key] is JsonValue value && value.TryGetValue<bool>(out var flag))
        {
            to[annotation] = flag;
        }
    }

    private static JsonNode StripPrivate(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var keyword in PrivateKeywords)
                {
                    obj.Remove(keyword);
                }

                foreach (var (_, child) in obj.ToArray())
                {
                    if (child is not null)
                    {
                        StripPrivate(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        StripPrivate(child);
                    }
                }

                break;
        }

        return node;
    }
}
