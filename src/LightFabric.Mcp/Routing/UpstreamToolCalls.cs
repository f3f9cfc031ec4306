using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// A tools/call of an upstream server's tool: progress tokens mapped for the shared connection, questions the upstream
/// asks meanwhile relayed to this call's client (on its answer stream, or as multi round-trip results for 2026-07-28
/// clients), and upstream failures reported as execution failures naming the server.
/// </summary>
internal sealed class UpstreamToolCalls(GenerationServers servers, ProgressRelay progress, ClientRequestRelay clientRequests, RoundTripCalls roundTrips)
{
    public Task<JsonNode?> CallAsync(UpstreamToolTarget target, JsonObject arguments, JsonObject? meta, McpRequest request, CancellationToken cancellationToken)
    {
        if (!servers.TryGet(target.Server, out var server))
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"upstream MCP server '{target.Server}' is no longer configured") { NotDelivered = true };
        }

        if (request.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28)
        {
            // The upstream may ask questions a 2026-07-28 client answers by retrying: the call outlives this request.
            return roundTrips.CallAsync(request,
                (channel, lifetime) => InvokeAsync(server, target, arguments, meta, channel, null, lifetime),
                server.Settings.RequestTimeout);
        }

        return InvokeAsync(server, target, arguments, meta, new StreamClientChannel(request.Session, request.Related), request.Related, cancellationToken);
    }

    private async Task<JsonNode?> InvokeAsync(UpstreamServer server, UpstreamToolTarget target, JsonObject arguments, JsonObject? meta,
        IClientChannel channel, IRelatedMessages? progressStream, CancellationToken cancellationToken)
    {
        string? upstreamToken = null;
        if (progressStream is null)
        {
            meta?.Remove("progressToken");
        }
        else
        {
            upstreamToken = progress.Begin(meta, progressStream);
        }

        using var call = clientRequests.EnterCall(target.Server, channel);
        try
        {
            return await server.CallToolAsync(target.ToolName, arguments, meta, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (UpstreamFailures.IsUpstreamFailure(ex))
        {
            throw UpstreamFailures.OfToolCall(target.Server, ex);
        }
        finally
        {
            progress.End(upstreamToken);
        }
    }
}
