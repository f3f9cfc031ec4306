using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>Merged lists (resources, templates, prompts): every page from every server with the capability.</summary>
internal static class UpstreamLists
{
    /// <summary>Each item with the server that listed it; a failing server is left out (and logged), the others stay listed.</summary>
    public static async Task<List<(UpstreamServer Server, JsonObject Item)>> CollectAsync(
        GenerationServers servers, string capability, string method, string field, ILogger logger, CancellationToken cancellationToken)
    {
        var perServer = await Task.WhenAll(servers.With(capability).Select(async server =>
        {
            var items = new List<(UpstreamServer, JsonObject)>();
            try
            {
                string? cursor = null;
                do
                {
                    var page = await server.RequestAsync(method, cursor is null ? null : new JsonObject { ["cursor"] = cursor }, cancellationToken)
                        .ConfigureAwait(false);
                    if (page?[field] is JsonArray array)
                    {
                        foreach (var item in array.ToArray())
                        {
                            if (item is JsonObject obj)
                            {
                                array.Remove(obj);
                                items.Add((server, obj));
                            }
                        }
                    }

                    cursor = JsonFields.Text(page?["nextCursor"]);
                }
                while (cursor is not null);
            }
            catch (Exception ex) when (UpstreamFailures.IsUpstreamFailure(ex))
            {
                logger.LogWarning("{Method} of upstream {Server} failed; its entries are left out: {Reason}", method, server.Name, ex.Message);
            }

            return items;
        })).ConfigureAwait(false);
        return perServer.SelectMany(i => i).ToList();
    }
}
