using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Protocol;

/// <summary>A JSON-RPC error to send back for one request, with the HTTP status it travels with.</summary>
public sealed class McpException(int code, string message, JsonNode? data = null, int httpStatus = 200) : Exception(message)
{
    public int Code { get; } = code;

    public JsonNode? ErrorData { get; } = data;

    /// <summary>200 for errors about the call itself; 4xx/5xx for transport-level rejections.</summary>
    public int HttpStatus { get; } = httpStatus;

    /// <summary>The request never reached the upstream (down, refused, no session): a budget gives the call's cost back.</summary>
    public bool NotDelivered { get; init; }

    /// <summary>The upstream did not answer in time (the call was sent: a budget charges it).</summary>
    public bool TimedOut { get; init; }
}
