using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Prompts of the aggregated upstreams: lists merged from every server that offers them, names prefixed as the tool
/// prefix mode says, and each prompts/get sent to the owner under the prompt's own name.
/// </summary>
internal sealed class PromptRelay(GenerationServers servers, ToolPrefixMode prefixMode, ILogger logger)
{
    private volatile IReadOnlyDictionary<string, (string Server, string Name)> _owners = new Dictionary<string, (string, string)>();

    public async Task<JsonNode?> ListAsync(CancellationToken cancellationToken)
    {
        var collected = await UpstreamLists.CollectAsync(servers, "prompts", McpMethods.PromptsList, "prompts", logger, cancellationToken).ConfigureAwait(false);
        var counts = collected.GroupBy(c => JsonFields.Text(c.Item["name"]) ?? "").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var owners = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var merged = new JsonArray();
        foreach (var (server, item) in collected)
        {
            var original = JsonFields.Text(item["name"]);
            if (original is null)
            {
                continue;
            }

            var prefixed = prefixMode == ToolPrefixMode.Always || (prefixMode == ToolPrefixMode.Conditional && counts[original] > 1);
            var name = prefixed ? $"{servers.PrefixOf(server.Name)}_{original}" : original;
            if (!owners.TryAdd(name, (server.Name, original)))
            {
                logger.LogWarning("Prompt {Prompt} of upstream {Server} collides with another server's prompt and is not published", name, server.Name);
                continue;
            }

            item["name"] = name;
            merged.Add(item);
        }

        _owners = owners;
        return new JsonObject { ["prompts"] = merged };
    }

    public async Task<JsonNode?> GetAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "prompts/get needs params.name");
        var name = JsonFields.Text(parameters["name"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "prompts/get needs params.name");
        var (server, original) = await OwnerAsync(name, cancellationToken).ConfigureAwait(false);
        var forwarded = (JsonObject)parameters.DeepClone();
        forwarded["name"] = original;
        return await UpstreamFailures.RelayAsync(server, McpMethods.PromptsGet, forwarded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The server that published <paramref name="name"/> and the prompt's name there; lists again once for a name not seen yet.</summary>
    public async Task<(UpstreamServer Server, string Name)> OwnerAsync(string name, CancellationToken cancellationToken)
    {
        if (!_owners.ContainsKey(name))
        {
            await ListAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_owners.TryGetValue(name, out var owner) && servers.TryGet(owner.Server, out var server))
        {
            return (server, owner.Name);
        }

        throw new McpException(McpErrorCodes.InvalidParams, $"Unknown prompt: {name}");
    }
}
