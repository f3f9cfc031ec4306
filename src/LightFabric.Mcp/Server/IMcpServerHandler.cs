using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Server;

/// <summary>
/// What the server transports need from the MCP application behind them. Errors are thrown as
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
