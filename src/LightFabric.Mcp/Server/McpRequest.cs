using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Server;

/// <summary>One JSON-RPC request inside a session, as a server transport hands it to the application.</summary>
/// <param name="Caller">Who sent it, worked out once by whoever accepted the HTTP request.</param>
/// <param name="Headers">The headers of the HTTP request that carried it.</param>
/// <param name="Related">Where progress and other messages about this request go while it runs.</param>
/// <param name="Disconnected">Cancelled when the client's connection for this request goes away.</param>
/// <param name="Stopping">Cancelled when the gateway begins to stop (long-lived answers end then).</param>
public sealed record McpRequest(
    McpSession Session,
    McpCaller Caller,
    JsonNode Id,
    string Method,
    JsonNode? Params,
    IRequestHeaders Headers,
    IRelatedMessages Related,
    CancellationToken Disconnected,
    CancellationToken Stopping);
