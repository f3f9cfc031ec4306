using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.Server;

/// <summary>One JSON-RPC request inside a session, as the transport hands it to the application.</summary>
/// <param name="Related">Where progress and other messages about this request go while it runs.</param>
public sealed record McpRequest(McpSession Session, McpCaller Caller, JsonNode Id, string Method, JsonNode? Params, HttpContext Http, RequestEventStream Related);

/// <summary>
/// What the Streamable HTTP transport needs from the MCP application behind it. Errors are thrown as
/// <see cref="Protocol.McpException"/>.
/// </summary>
public interface IMcpServerHandler
{
    /// <summary>The initialize result for a new session (the transport adds the session id header).</summary>
    JsonObject InitializeResult(string protocolVersion, JsonObject? clientInfo);

    Task<JsonNode?> HandleRequestAsync(McpRequest request, CancellationToken cancellationToken);

    /// <summary>A client notification other than notifications/cancelled (which the transport handles).</summary>
    void HandleNotification(McpSession session, string method, JsonNode? parameters);
}
