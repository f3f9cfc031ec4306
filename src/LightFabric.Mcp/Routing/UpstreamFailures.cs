using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// What a client is told when an upstream request fails. A relayed request (resources, prompts, completion) keeps
/// the upstream's error code (e.g. -32002 resource not found); a tool call reports an execution failure naming the
/// server, with the upstream's code and data beside it. An unreachable or silent upstream is an execution failure.
/// </summary>
internal static class UpstreamFailures
{
    public static bool IsUpstreamFailure(Exception ex) => ex is UpstreamErrorException or UpstreamUnavailableException or UpstreamTimeoutException;

    /// <summary>Sends a request to its owner and relays the answer, or the failure as described above.</summary>
    public static async Task<JsonNode?> RelayAsync(UpstreamServer server, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await server.RequestAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamErrorException ex)
        {
            throw new McpException(ex.Code, ex.Message, ex.Data?.DeepClone());
        }
        catch (Exception ex) when (ex is UpstreamUnavailableException or UpstreamTimeoutException)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, ex.Message);
        }
    }

    /// <summary>A failed tools/call of <paramref name="server"/>'s tool.</summary>
    public static McpException OfToolCall(string server, Exception ex) => ex switch
    {
        UpstreamErrorException error => new McpException(McpErrorCodes.ExecutionFailed, $"upstream MCP server '{server}': {error.Message}",
            new JsonObject { ["upstreamCode"] = error.Code, ["upstreamData"] = error.Data?.DeepClone() }),
        _ => new McpException(McpErrorCodes.ExecutionFailed, ex.Message)
        {
            NotDelivered = ex is UpstreamUnavailableException { NotSent: true },
            TimedOut = ex is UpstreamTimeoutException,
        },
    };
}
