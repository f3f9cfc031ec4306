using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>One <c>tools</c> entry as written: an HTTP API (or MCP backend) exposed as an MCP tool.</summary>
public sealed record McpToolConfig
{
    public string? Name { get; init; }

    /// <summary>http (also rest, openapi) or mcp.</summary>
    [ConfigAlias("api_type")]
    public string? ApiType { get; init; }

    [ConfigAlias("service_id")]
    public string? ServiceId { get; init; }

    [ConfigAlias("target_host")]
    public string? TargetHost { get; init; }

    public string? Path { get; init; }

    /// <summary>An HTTP method, or CALL (GET without an input schema, POST with one).</summary>
    public string? Method { get; init; }

    /// <summary>A JSON Schema object, as a map or as JSON text.</summary>
    [ConfigAlias("input_schema")]
    public JsonNode? InputSchema { get; init; }

    [ConfigAlias("output_schema")]
    public JsonNode? OutputSchema { get; init; }

    [ConfigAlias("tool_metadata")]
    public JsonNode? ToolMetadata { get; init; }

    [ConfigAlias("endpoint_name")]
    public string? EndpointName { get; init; }

    public string? Description { get; init; }

    /// <summary>The rule endpoint; defaults to <c>{path}@{method}</c>.</summary>
    public string? Endpoint { get; init; }

    [ConfigAlias("env_tag")]
    public string? EnvTag { get; init; }

    public string? Protocol { get; init; }
}
