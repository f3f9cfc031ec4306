using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>completion/complete: to the server that owns the referenced prompt (under its own name) or resource.</summary>
internal sealed class CompletionRelay(PromptRelay prompts, ResourceRelay resources)
{
    public async Task<JsonNode?> CompleteAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "completion/complete needs params.ref");
        var reference = parameters["ref"] as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "completion/complete needs params.ref");
        var forwarded = (JsonObject)parameters.DeepClone();
        UpstreamServer server;
        switch (JsonFields.Text(reference["type"]))
        {
            case "ref/prompt":
                var name = JsonFields.Text(reference["name"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "ref/prompt needs a name");
                (server, var original) = await prompts.OwnerAsync(name, cancellationToken).ConfigureAwait(false);
                forwarded["ref"]!["name"] = original;
                break;
            case "ref/resource":
                var uri = JsonFields.Text(reference["uri"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "ref/resource needs a uri");
                server = resources.Owner(uri);
                break;
            default:
                throw new McpException(McpErrorCodes.InvalidParams, "params.ref.type must be ref/prompt or ref/resource");
        }

        return await UpstreamFailures.RelayAsync(server, McpMethods.Complete, forwarded, cancellationToken).ConfigureAwait(false);
    }
}
