using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>logging/setLevel: to every server that offers logging; one refusing it is logged and does not fail the request.</summary>
internal sealed class LoggingRelay(GenerationServers servers, ILogger logger)
{
    public async Task<JsonNode?> SetLevelAsync(McpRequest request, CancellationToken cancellationToken)
    {
        await Task.WhenAll(servers.With("logging").ToArray().Select(async server =>
        {
            try
            {
                await server.RequestAsync(McpMethods.SetLevel, request.Params?.DeepClone(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (UpstreamFailures.IsUpstreamFailure(ex))
            {
                logger.LogWarning("logging/setLevel not applied by upstream {Server}: {Reason}", server.Name, ex.Message);
            }
        })).ConfigureAwait(false);
        return new JsonObject();
    }
}
