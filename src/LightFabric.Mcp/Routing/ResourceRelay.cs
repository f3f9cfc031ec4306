using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Resources of the aggregated upstreams: lists merged from every server that offers them (URIs published
/// unchanged), each read or subscription sent to the server that owns the URI, and each update sent to the sessions
/// that subscribed to it.
/// </summary>
internal sealed class ResourceRelay(GenerationServers servers, ILogger logger)
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, McpSession>> _subscriptions = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<(string Template, string Server)> _templateOwners = [];

    public async Task<JsonNode?> ListAsync(CancellationToken cancellationToken)
    {
        var merged = new JsonArray();
        var listed = await UpstreamLists.CollectAsync(servers, "resources", McpMethods.ResourcesList, "resources", logger, cancellationToken).ConfigureAwait(false);
        foreach (var (server, item) in listed)
        {
            if (JsonFields.Text(item["uri"]) is { } uri)
            {
                _owners.TryAdd(uri, server.Name);
            }

            merged.Add(item);
        }

        return new JsonObject { ["resources"] = merged };
    }

    public async Task<JsonNode?> ListTemplatesAsync(CancellationToken cancellationToken)
    {
        var merged = new JsonArray();
        var owners = new List<(string, string)>();
        var listed = await UpstreamLists.CollectAsync(servers, "resources", McpMethods.ResourceTemplatesList, "resourceTemplates", logger, cancellationToken)
            .ConfigureAwait(false);
        foreach (var (server, item) in listed)
        {
            if (JsonFields.Text(item["uriTemplate"]) is { } template)
            {
                owners.Add((template, server.Name));
            }

            merged.Add(item);
        }

        _templateOwners = owners;
        return new JsonObject { ["resourceTemplates"] = merged };
    }

    /// <summary>resources/read (and subscribe/unsubscribe upstream): to the owner of params.uri.</summary>
    public async Task<JsonNode?> ForwardAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, $"{request.Method} needs params.uri");
        var uri = JsonFields.Text(parameters["uri"]) ?? throw new McpException(McpErrorCodes.InvalidParams, $"{request.Method} needs params.uri");
        return await UpstreamFailures.RelayAsync(Owner(uri), request.Method, parameters.DeepClone(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonNode?> SubscribeAsync(McpRequest request, bool subscribe, CancellationToken cancellationToken)
    {
        var result = await ForwardAsync(request, cancellationToken).ConfigureAwait(false);
        var uri = JsonFields.Text(request.Params!["uri"])!;
        if (subscribe)
        {
            _subscriptions.GetOrAdd(uri, _ => new ConcurrentDictionary<string, McpSession>(StringComparer.Ordinal))[request.Session.Id] = request.Session;
        }
        else if (_subscriptions.TryGetValue(uri, out var sessions))
        {
            sessions.TryRemove(request.Session.Id, out _);
        }

        return result;
    }

    /// <summary>An upstream's notifications/resources/updated: to every open session subscribed to the URI.</summary>
    public void RelayUpdate(JsonNode? parameters)
    {
        if (JsonFields.Text(parameters?["uri"]) is { } uri && _subscriptions.TryGetValue(uri, out var sessions))
        {
            var message = JsonRpcWriter.Notification(McpMethods.ResourceUpdated, parameters?.DeepClone());
            foreach (var session in sessions.Values.Where(s => !s.IsClosed))
            {
                session.Send(message);
            }
        }
    }

    /// <summary>The server that listed the URI, else the one whose template prefix matches, else the only resource server.</summary>
    public UpstreamServer Owner(string uri)
    {
        if (_owners.TryGetValue(uri, out var name) && servers.TryGet(name, out var owner))
        {
            return owner;
        }

        foreach (var (template, server) in _templateOwners)
        {
            var literal = template.IndexOf('{') is var brace and >= 0 ? template[..brace] : template;
            if (literal.Length > 0 && uri.StartsWith(literal, StringComparison.Ordinal) && servers.TryGet(server, out var byTemplate))
            {
                return byTemplate;
            }
        }

        var candidates = servers.With("resources").ToArray();
        return candidates.Length == 1
            ? candidates[0]
            : throw new McpException(McpErrorCodes.InvalidParams, $"Resource not found: {uri} (list resources first, or check the URI)");
    }
}
