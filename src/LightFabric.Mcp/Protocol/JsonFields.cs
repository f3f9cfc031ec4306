using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Protocol;

/// <summary>Typed reads of message fields that tolerate anything else there: a field of the wrong type reads as absent.</summary>
public static class JsonFields
{
    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    /// <summary>Whether a tool result says it is an error (<c>isError: true</c>).</summary>
    public static bool IsErrorResult(JsonNode? result) => result is JsonObject o && IsTrue(o["isError"]);
}
