using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LightFabric.Config;
using LightFabric.JsonSchema;
using LightFabric.Mcp.Catalog;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// <c>tools:</c> entries → <see cref="ConfiguredTool"/>s: name, kind, target, method and schemas (compiled here, once).
/// An entry with a problem is reported and left out.
/// </summary>
public static partial class McpToolValidator
{
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static IReadOnlyList<ConfiguredTool> Tools(IReadOnlyList<McpToolConfig?> entries, JsonSchemaOptions schemaOptions, Action<string, string> problem)
    {
        var tools = new List<ConfiguredTool>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var key = $"tools[{i}]";
            if (entries[i] is not { } entry || Tool(entry, key, schemaOptions, problem) is not { } tool)
            {
                continue;
            }

            if (!names.Add(tool.Name))
            {
                problem($"{key}.name", $"tool name '{tool.Name}' is used twice; tool names must be unique");
                continue;
            }

            tools.Add(tool);
        }

        return tools;
    }

    private static ConfiguredTool? Tool(McpToolConfig entry, string key, JsonSchemaOptions schemaOptions, Action<string, string> problem)
    {
        var ok = true;
        var name = entry.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            problem($"{key}.name", "is required");
            ok = false;
        }
        else if (!ToolName().IsMatch(name))
        {
            problem($"{key}.name", $"'{name}' is not a valid MCP tool name (1-128 of A-Z a-z 0-9 _ - .)");
            ok = false;
        }

        var apiType = (entry.ApiType ?? "http").ToLowerInvariant();
        ConfiguredToolKind kind;
        switch (apiType)
        {
            case "" or "http" or "rest" or "openapi":
                kind = ConfiguredToolKind.Http;
                break;
            case "mcp":
                kind = ConfiguredToolKind.Mcp;
                break;
            default:
                problem($"{key}.apiType", $"'{apiType}' is not supported; use http or mcp");
                kind = ConfiguredToolKind.Http;
                ok = false;
                break;
        }

        var serviceId = NonEmpty(entry.ServiceId);
        var targetText = NonEmpty(entry.TargetHost);
        Uri? target = null;
        if (string.IsNullOrWhiteSpace(targetText))
        {
            problem($"{key}.targetHost", serviceId is null
                ? "is required (the backend base URL, e.g. http://localhost:7081)"
                : $"is required: discovery of serviceId '{serviceId}' needs the controller, which this build does not include; set targetHost");
            ok = false;
        }
        else if (!Uri.TryCreate(targetText, UriKind.Absolute, out target) || (target.Scheme != "http" && target.Scheme != "https"))
        {
            problem($"{key}.targetHost", $"'{targetText}' is not an absolute http or https URL");
            ok = false;
        }

        var path = entry.Path ?? "";
        if (path.Length == 0 && kind == ConfiguredToolKind.Http)
        {
            problem($"{key}.path", "is required (e.g. /weather)");
            ok = false;
        }

        var inputSchema = Schema(entry.InputSchema, $"{key}.inputSchema", problem) ?? new JsonObject { ["type"] = "object" };
        var outputSchema = Schema(entry.OutputSchema, $"{key}.outputSchema", problem);
        var metadata = ConfigBinder.Structured(entry.ToolMetadata);
        if (metadata is not null and not JsonObject)
        {
            problem($"{key}.toolMetadata", "must be a map (or a JSON object string)");
            ok = false;
        }

        var method = (NonEmpty(entry.Method) ?? "CALL").ToUpperInvariant();
        if (method == "CALL")
        {
            // light-4j's CALL: a tool with an input schema takes a body.
            method = entry.InputSchema is null ? "GET" : "POST";
        }
        else if (!HttpMethods.Contains(method))
        {
            problem($"{key}.method", $"'{method}' is not supported; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or CALL");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var tool = new ConfiguredTool
        {
            Name = name!,
            EndpointName = NonEmpty(entry.EndpointName),
            Description = NonEmpty(entry.Description),
            Kind = kind,
            TargetHost = target!,
            Path = path,
            Method = method,
            Endpoint = NonEmpty(entry.Endpoint) ?? $"{path}@{method.ToLowerInvariant()}",
            SchemaOptions = schemaOptions,
            InputSchema = inputSchema,
            OutputSchema = outputSchema,
            ToolMetadata = (JsonObject?)metadata?.DeepClone(),
            ServiceId = serviceId,
            EnvTag = NonEmpty(entry.EnvTag),
            Protocol = NonEmpty(entry.Protocol),
        };

        // Schemas are compiled once, here; one that does not compile keeps the tool (and the router) from loading.
        if (tool.InputSchemaProblem is { } inputProblem)
        {
            problem($"{key}.inputSchema", inputProblem);
        }

        if (tool.OutputSchemaProblem is { } outputProblem)
        {
            problem($"{key}.outputSchema", outputProblem);
        }

        return tool.InputSchemaProblem is null && tool.OutputSchemaProblem is null ? tool : null;
    }

    private static JsonObject? Schema(JsonNode? written, string key, Action<string, string> problem)
    {
        switch (ConfigBinder.Structured(written))
        {
            case null:
                return null;
            case JsonObject schema:
                return (JsonObject)schema.DeepClone();
            default:
                problem(key, "must be a JSON Schema object (a map or a JSON object string)");
                return null;
        }
    }

    // An empty text counts as not written, as a placeholder with an empty default leaves it.
    private static string? NonEmpty(string? text) => text is { Length: > 0 } ? text : null;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex ToolName();
}
