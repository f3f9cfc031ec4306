using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// Resources, prompts, completion and logging of the aggregated upstreams: lists are merged from every server
/// that offers the capability (one server failing leaves the others listed), and each request goes to the
/// server that owns the resource URI or prompt name. Resource URIs are published unchanged; prompt names follow
/// the tool prefix mode.
/// </summary>
public sealed partial class McpRouter
{
    private readonly ConcurrentDictionary<string, string> _resourceOwners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, McpSession>> _subscriptions = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<(string Template, string Server)> _templateOwners = [];
    private volatile IReadOnlyDictionary<string, (string Server, string Name)> _promptOwners = new Dictionary<string, (string, string)>();
    private readonly ConcurrentDictionary<string, (RequestEventStream Stream, JsonNode Token)> _progress = new(StringComparer.Ordinal);
    private long _progressCounter;

    /// <summary>
    /// Replaces the client's progressToken with one unique on the shared upstream connection, so progress of many
    /// clients' calls never crosses; returns the upstream token (null when the client asked for no progress).
    /// </summary>
    private string? MapProgressToken(JsonObject? meta, RequestEventStream related)
    {
        if (meta?["progressToken"] is not JsonValue token)
        {
            return null;
        }

        var upstreamToken = "lgw-" + Interlocked.Increment(ref _progressCounter);
        _progress[upstreamToken] = (related, token.DeepClone());
        meta["progressToken"] = upstreamToken;
        return upstreamToken;
    }

    /// <summary>What this gateway offers: tools always, the rest when at least one upstream does.</summary>
    private JsonObject Capabilities()
    {
        var capabilities = new JsonObject { ["tools"] = new JsonObject { ["listChanged"] = true } };
        if (ServersWith("resources").Any())
        {
            var subscribe = ServersWith("resources").Any(s => Capability(s, "resources")?["subscribe"] is JsonValue v && v.TryGetValue<bool>(out var b) && b);
            capabilities["resources"] = new JsonObject { ["subscribe"] = subscribe, ["listChanged"] = true };
        }

        if (ServersWith("prompts").Any())
        {
            capabilities["prompts"] = new JsonObject { ["listChanged"] = true };
        }

        if (ServersWith("completions").Any())
        {
            capabilities["completions"] = new JsonObject();
        }

        if (ServersWith("logging").Any())
        {
            capabilities["logging"] = new JsonObject();
        }

        return capabilities;
    }

    private static JsonObject? Capability(UpstreamServer server, string name) => server.InitializeResult?["capabilities"]?[name] as JsonObject;

    private IEnumerable<UpstreamServer> ServersWith(string capability) =>
        Settings.Servers.Select(e => _servers.GetValueOrDefault(e.Settings.Name)).OfType<UpstreamServer>()
            .Where(s => s.State.Status == UpstreamStatus.Up && Capability(s, capability) is not null);

    private async Task<JsonNode?> ListResourcesAsync(CancellationToken cancellationToken)
    {
        var merged = new JsonArray();
        foreach (var (server, item) in await CollectAsync("resources", McpMethods.ResourcesList, "resources", cancellationToken).ConfigureAwait(false))
        {
            if (item["uri"] is JsonValue uri && uri.TryGetValue<string>(out var text))
            {
                _resourceOwners.TryAdd(text, server.Name);
            }

            merged.Add(item);
        }

        return new JsonObject { ["resources"] = merged };
    }

    private async Task<JsonNode?> ListResourceTemplatesAsync(CancellationToken cancellationToken)
    {
        var merged = new JsonArray();
        var owners = new List<(string, string)>();
        foreach (var (server, item) in await CollectAsync("resources", McpMethods.ResourceTemplatesList, "resourceTemplates", cancellationToken).ConfigureAwait(false))
        {
            if (item["uriTemplate"] is JsonValue template && template.TryGetValue<string>(out var text))
            {
                owners.Add((text, server.Name));
            }

            merged.Add(item);
        }

        _templateOwners = owners;
        return new JsonObject { ["resourceTemplates"] = merged };
    }

    private async Task<JsonNode?> ListPromptsAsync(CancellationToken cancellationToken)
    {
        var collected = await CollectAsync("prompts", McpMethods.PromptsList, "prompts", cancellationToken).ConfigureAwait(false);
        var counts = collected.GroupBy(c => Text(c.Item["name"]) ?? "").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var owners = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var merged = new JsonArray();
        foreach (var (server, item) in collected)
        {
            var original = Text(item["name"]);
            if (original is null)
            {
                continue;
            }

            var prefix = Settings.Servers.First(e => e.Settings.Name == server.Name).Prefix;
            var prefixed = Settings.PrefixMode == ToolPrefixMode.Always || (Settings.PrefixMode == ToolPrefixMode.Conditional && counts[original] > 1);
            var name = prefixed ? $"{prefix}_{original}" : original;
            if (!owners.TryAdd(name, (server.Name, original)))
            {
                _logger.LogWarning("Prompt {Prompt} of upstream {Server} collides with another server's prompt and is not published", name, server.Name);
                continue;
            }

            item["name"] = name;
            merged.Add(item);
        }

        _promptOwners = owners;
        return new JsonObject { ["prompts"] = merged };
    }

    private async Task<JsonNode?> GetPromptAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "prompts/get needs params.name");
        var name = Text(parameters["name"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "prompts/get needs params.name");
        var (server, original) = await PromptOwnerAsync(name, cancellationToken).ConfigureAwait(false);
        var forwarded = (JsonObject)parameters.DeepClone();
        forwarded["name"] = original;
        return await RelayAsync(server, McpMethods.PromptsGet, forwarded, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonNode?> CompleteAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "completion/complete needs params.ref");
        var reference = parameters["ref"] as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, "completion/complete needs params.ref");
        var forwarded = (JsonObject)parameters.DeepClone();
        UpstreamServer server;
        switch (Text(reference["type"]))
        {
            case "ref/prompt":
                var name = Text(reference["name"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "ref/prompt needs a name");
                (server, var original) = await PromptOwnerAsync(name, cancellationToken).ConfigureAwait(false);
                forwarded["ref"]!["name"] = original;
                break;
            case "ref/resource":
                var uri = Text(reference["uri"]) ?? throw new McpException(McpErrorCodes.InvalidParams, "ref/resource needs a uri");
                server = ResourceOwner(uri);
                break;
            default:
                throw new McpException(McpErrorCodes.InvalidParams, "params.ref.type must be ref/prompt or ref/resource");
        }

        return await RelayAsync(server, McpMethods.Complete, forwarded, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonNode?> ForwardByUriAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var parameters = request.Params as JsonObject ?? throw new McpException(McpErrorCodes.InvalidParams, $"{request.Method} needs params.uri");
        var uri = Text(parameters["uri"]) ?? throw new McpException(McpErrorCodes.InvalidParams, $"{request.Method} needs params.uri");
        return await RelayAsync(ResourceOwner(uri), request.Method, parameters.DeepClone(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonNode?> SubscribeAsync(McpRequest request, bool subscribe, CancellationToken cancellationToken)
    {
        var result = await ForwardByUriAsync(request, cancellationToken).ConfigureAwait(false);
        var uri = Text(request.Params!["uri"])!;
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

    private async Task<JsonNode?> SetLevelAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var servers = ServersWith("logging").ToArray();
        await Task.WhenAll(servers.Select(async server =>
        {
            try
            {
                await server.RequestAsync(McpMethods.SetLevel, request.Params?.DeepClone(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is UpstreamErrorException or UpstreamUnavailableException or UpstreamTimeoutException)
            {
                _logger.LogWarning("logging/setLevel not applied by upstream {Server}: {Reason}", server.Name, ex.Message);
            }
        })).ConfigureAwait(false);
        return new JsonObject();
    }

    /// <summary>Every page of a list method from every server with the capability; a failing server is skipped.</summary>
    private async Task<List<(UpstreamServer Server, JsonObject Item)>> CollectAsync(string capability, string method, string field, CancellationToken cancellationToken)
    {
        var perServer = await Task.WhenAll(ServersWith(capability).Select(async server =>
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

                    cursor = Text(page?["nextCursor"]);
                }
                while (cursor is not null);
            }
            catch (Exception ex) when (ex is UpstreamErrorException or UpstreamUnavailableException or UpstreamTimeoutException)
            {
                _logger.LogWarning("{Method} of upstream {Server} failed; its entries are left out: {Reason}", method, server.Name, ex.Message);
            }

            return items;
        })).ConfigureAwait(false);
        return perServer.SelectMany(i => i).ToList();
    }

    private async Task<(UpstreamServer Server, string Name)> PromptOwnerAsync(string name, CancellationToken cancellationToken)
    {
        if (!_promptOwners.ContainsKey(name))
        {
            await ListPromptsAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_promptOwners.TryGetValue(name, out var owner) && _servers.TryGetValue(owner.Server, out var server))
        {
            return (server, owner.Name);
        }

        throw new McpException(McpErrorCodes.InvalidParams, $"Unknown prompt: {name}");
    }

    /// <summary>The server that listed the URI, else the one whose template prefix matches, else the only resource server.</summary>
    private UpstreamServer ResourceOwner(string uri)
    {
        if (_resourceOwners.TryGetValue(uri, out var name) && _servers.TryGetValue(name, out var owner))
        {
            return owner;
        }

        foreach (var (template, server) in _templateOwners)
        {
            var literal = template.IndexOf('{') is var brace and >= 0 ? template[..brace] : template;
            if (literal.Length > 0 && uri.StartsWith(literal, StringComparison.Ordinal) && _servers.TryGetValue(server, out var byTemplate))
            {
                return byTemplate;
            }
        }

        var candidates = ServersWith("resources").ToArray();
        return candidates.Length == 1
            ? candidates[0]
            : throw new McpException(McpErrorCodes.InvalidParams, $"Resource not found: {uri} (list resources first, or check the URI)");
    }

    private async Task<JsonNode?> RelayAsync(UpstreamServer server, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await server.RequestAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamErrorException ex)
        {
            // Resource and prompt errors keep the upstream's code (e.g. -32002 resource not found).
            throw new McpException(ex.Code, ex.Message, ex.Data?.DeepClone());
        }
        catch (UpstreamUnavailableException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, ex.Message);
        }
        catch (UpstreamTimeoutException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, ex.Message);
        }
    }

    /// <summary>Server-wide upstream notifications: resource updates to their subscribers, list changes and log messages to every open stream.</summary>
    private void OnUpstreamNotification(UpstreamServer server, string method, JsonNode? parameters)
    {
        switch (method)
        {
            case McpMethods.Progress:
                if (Text(parameters?["progressToken"]) is { } upstreamToken && _progress.TryGetValue(upstreamToken, out var target))
                {
                    var progress = (JsonObject)parameters!.DeepClone();
                    progress["progressToken"] = target.Token.DeepClone();
                    _ = target.Stream.SendAsync(JsonRpcWriter.Notification(method, progress));
                }

                break;
            case McpMethods.ResourceUpdated:
                _host.Listeners.Publish(method, parameters);
                if (Text(parameters?["uri"]) is { } uri && _subscriptions.TryGetValue(uri, out var sessions))
                {
                    var message = JsonRpcWriter.Notification(method, parameters?.DeepClone());
                    foreach (var session in sessions.Values.Where(s => !s.IsClosed))
                    {
                        session.Send(message);
                    }
                }

                break;
            case McpMethods.Message when CurrentCall.Value is { } call:
                // Logged while serving one client's call (known on Streamable HTTP upstreams): that client only.
                _ = call.NotifyAsync(JsonRpcWriter.Notification(method, parameters?.DeepClone()));
                break;
            case McpMethods.ResourcesListChanged or McpMethods.PromptsListChanged or McpMethods.Message:
                _host.Listeners.Publish(method, parameters);
                var broadcast = JsonRpcWriter.Notification(method, parameters?.DeepClone());
                foreach (var session in _host.Sessions.Sessions)
                {
                    session.Send(broadcast);
                }

                break;
        }
    }
}
