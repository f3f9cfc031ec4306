using System.Reflection;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Tools;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// One generation of the MCP router: the settings of one mcp-router.yml, the upstream servers it uses and the merged
/// catalog. It activates and retires the generation and dispatches each request and upstream notification to the
/// type that handles it. A reload builds a new router; sessions live on in the host.
/// </summary>
public sealed class McpRouter : IMcpServerHandler, IAsyncDisposable
{
    private static readonly string Version =
        typeof(McpRouter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly McpRouterHost _host;
    private readonly ILogger _logger;
    private readonly GenerationServers _servers;
    private readonly LiveToolCatalog _catalog;
    private readonly ToolListing _toolListing;
    private readonly ToolCalls _toolCalls;
    private readonly ProgressRelay _progress = new();
    private readonly ClientRequestRelay _clientRequests;
    private readonly ResourceRelay _resources;
    private readonly PromptRelay _prompts;
    private readonly CompletionRelay _completions;
    private readonly RelayedCalls _relayed;
    private readonly LoggingRelay _logging;
    private readonly ListenSubscriptions _listen;

    /// <summary>While activation waits for the required servers: when that wait runs out (UTC ticks); 0 otherwise.</summary>
    private long _startupWaitEndsAtTicks;

    public McpRouter(McpRouterSettings settings, McpRouterHost host, IToolCallPolicy? policy = null)
    {
        Settings = settings;
        Policy = policy;
        _host = host;
        _logger = host.LoggerFactory.CreateLogger("LightFabric.Mcp.Router");
        _servers = new GenerationServers(settings);
        _catalog = new LiveToolCatalog(settings, _servers, host, _logger);
        _toolListing = new ToolListing(_catalog, policy, settings.ToolsPageSize);
        _clientRequests = new ClientRequestRelay(_logger);
        var upstreamTools = new UpstreamToolCalls(_servers, _progress, _clientRequests, new RoundTripCalls(host.TimeProvider));
        _toolCalls = new ToolCalls(_catalog, policy,
            new HttpApiToolInvoker(host.HttpClient, settings.HttpToolTimeout, settings.MaxResponseBodyBytes),
            new McpBackendToolInvoker(host.HttpClient, host.LoggerFactory.CreateLogger("LightFabric.Mcp.Backend"), settings.HttpToolTimeout),
            upstreamTools, _logger);
        _resources = new ResourceRelay(_servers, _logger);
        _prompts = new PromptRelay(_servers, settings.PrefixMode, _logger);
        _completions = new CompletionRelay(_prompts, _resources);
        _relayed = new RelayedCalls(policy, _logger);
        _logging = new LoggingRelay(_servers, _logger);
        _listen = new ListenSubscriptions(host.Listeners, _resources, _logger);
    }

    public McpRouterSettings Settings { get; }

    public ToolCatalog Catalog => _catalog.Current;

    /// <summary>The access-control policy of this generation, or null when none is configured.</summary>
    public IToolCallPolicy? Policy { get; }

    /// <summary>
    /// Starts (or reuses) the upstream servers, waits up to <see cref="McpRouterSettings.UpstreamStartupWait"/> for the
    /// first tool lists of the required ones (<see cref="UpstreamServerEntry.Required"/>; the others' tools join
    /// when they list them) and builds the catalog. Throws <see cref="McpConfigurationException"/> when tool names collide
    /// beyond what the prefix mode resolves; nothing stays acquired then.
    /// </summary>
    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var acquired = _servers.Acquire(_host.Upstreams);

        // Subscribed before the first catalog is built, so a tool list that changes while the router starts is
        // not missed: a change before the build is in the build; one after it finds the catalog active.
        foreach (var server in _servers.All)
        {
            server.ToolsChanged += _catalog.OnToolsChanged;
        }

        try
        {
            await WaitForRequiredServersAsync(acquired, cancellationToken).ConfigureAwait(false);
            var catalog = _catalog.Activate();

            _host.Sessions.Configure(new McpSessionStore.SessionLimits(Settings.MaxSessions, Settings.MaxSessionsPerClient, Settings.SessionIdleTimeout));
            foreach (var server in _servers.All)
            {
                server.NotificationReceived += OnUpstreamNotification;
                server.ServerRequestHandler = _clientRequests.HandlerFor(server.Name);
            }

            _logger.LogInformation("MCP router on {Path}: {Tools} tools from {Configured} configured tools and {Servers} upstream servers",
                Settings.Path, catalog.Tools.Count, Settings.Tools.Count, _servers.Count);

            // A reload can change what existing sessions see.
            _catalog.AnnounceChange();
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every configured upstream server of this generation with its state, for readiness.</summary>
    public IReadOnlyList<UpstreamReadiness> Upstreams()
    {
        var ticks = Volatile.Read(ref _startupWaitEndsAtTicks);
        DateTimeOffset? waitEndsAt = ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        var acquired = _servers.Acquired;
        if (acquired.Count == 0)
        {
            return Settings.Servers.Select(e => new UpstreamReadiness(e.Settings.Name, e.Required, UpstreamStatus.Starting, null, null)).ToArray();
        }

        return acquired.Select(a =>
        {
            var state = a.Server.State;
            var waitingFor = a.Entry.Required && state.Status != UpstreamStatus.Up ? waitEndsAt : null;
            return new UpstreamReadiness(a.Entry.Settings.Name, a.Entry.Required, state.Status, state.Reason, waitingFor);
        }).ToArray();
    }

    /// <summary>
    /// Waits for the first tool lists of the required servers, each until it is listed or the startup wait (on the
    /// host's clock) runs out; a server that fails meanwhile is retried by its supervisor and may still make it.
    /// </summary>
    private async Task WaitForRequiredServersAsync(IReadOnlyList<(UpstreamServerEntry Entry, UpstreamServer Server)> acquired,
        CancellationToken cancellationToken)
    {
        var required = acquired.Where(a => a.Entry.Required).Select(a => a.Server).ToArray();
        if (required.Length == 0)
        {
            return;
        }

        var clock = _host.TimeProvider;
        var wait = Settings.UpstreamStartupWait;
        using var waitOver = new CancellationTokenSource(wait, clock);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waitOver.Token);

        // Published after the timer exists, so whoever reads the end time and then moves the clock is seen by it.
        Volatile.Write(ref _startupWaitEndsAtTicks, (clock.GetUtcNow() + wait).UtcTicks);
        try
        {
            await Task.WhenAll(required.Select(async server =>
            {
                try
                {
                    await server.WaitForFirstToolsAsync(Timeout.InfiniteTimeSpan, waiting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    _logger.LogWarning(
                        "Upstream MCP server {Server} has not listed its tools within {Seconds} s ({State}); its tools appear when it does",
                        server.Name, wait.TotalSeconds, server.State.Reason ?? server.State.Status.ToString());
                }
            })).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _startupWaitEndsAtTicks, 0);
        }
    }

    /// <summary>Lets go of this generation's upstream servers (stopped when no generation uses them).</summary>
    public async ValueTask DisposeAsync()
    {
        _catalog.Deactivate();
        await _servers.ReleaseAsync(_host.Upstreams, server =>
        {
            server.ToolsChanged -= _catalog.OnToolsChanged;
            server.NotificationReceived -= OnUpstreamNotification;
        }).ConfigureAwait(false);
    }

    public JsonObject InitializeResult(string protocolVersion, JsonObject? clientInfo) => new()
    {
        ["protocolVersion"] = protocolVersion,
        ["capabilities"] = _servers.Capabilities(),
        ["serverInfo"] = ServerInfo(),
    };

    /// <summary>server/discover: every revision spoken, the capabilities and who this is, without a session.</summary>
    private JsonObject Discover() => new()
    {
        ["supportedVersions"] = new JsonArray(McpProtocolVersions.All.Select(v => (JsonNode)v).ToArray()),
        ["capabilities"] = _servers.Capabilities(),
        ["serverInfo"] = ServerInfo(),
    };

    private static JsonObject ServerInfo() => new() { ["name"] = "light-gateway-mcp", ["version"] = Version };

    public Task<JsonNode?> HandleRequestAsync(McpRequest request, CancellationToken cancellationToken) =>
        request.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28
            ? MarkCompleteAsync(request, cancellationToken)
            : DispatchAsync(request, cancellationToken);

    /// <summary>The 2026-07-28 revision marks every result with its type; input_required results carry their own.</summary>
    private async Task<JsonNode?> MarkCompleteAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var result = await DispatchAsync(request, cancellationToken).ConfigureAwait(false);
        if (result is JsonObject finished && !finished.ContainsKey("resultType"))
        {
            finished["resultType"] = "complete";
        }

        return result;
    }

    private Task<JsonNode?> DispatchAsync(McpRequest request, CancellationToken cancellationToken) => request.Method switch
    {
        McpMethods.Ping => Task.FromResult<JsonNode?>(new JsonObject()),
        McpMethods.Discover when Settings.StatelessEnabled => Task.FromResult<JsonNode?>(Discover()),
        McpMethods.SubscriptionsListen when request.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28 => _listen.ListenAsync(request, cancellationToken),
        McpMethods.ToolsList => Task.FromResult<JsonNode?>(_toolListing.List(request)),
        McpMethods.ToolsCall => _toolCalls.CallAsync(request, cancellationToken),
        McpMethods.ResourcesList => _resources.ListAsync(cancellationToken),
        McpMethods.ResourceTemplatesList => _resources.ListTemplatesAsync(cancellationToken),
        McpMethods.ResourcesRead => _relayed.GovernAsync(request, ct => _resources.ForwardAsync(request, ct), cancellationToken),
        McpMethods.ResourcesSubscribe => _relayed.GovernAsync(request, ct => _resources.SubscribeAsync(request, subscribe: true, ct), cancellationToken),
        McpMethods.ResourcesUnsubscribe => _resources.SubscribeAsync(request, subscribe: false, cancellationToken),
        McpMethods.PromptsList => _prompts.ListAsync(cancellationToken),
        McpMethods.PromptsGet => _relayed.GovernAsync(request, ct => _prompts.GetAsync(request, ct), cancellationToken),
        McpMethods.Complete => _relayed.GovernAsync(request, ct => _completions.CompleteAsync(request, ct), cancellationToken),
        McpMethods.SetLevel => _logging.SetLevelAsync(request, cancellationToken),
        _ => throw new McpException(McpErrorCodes.MethodNotFound, $"Method not found: {request.Method}"),
    };

    public void HandleNotification(McpSession session, string method, JsonNode? parameters)
    {
        if (method != McpMethods.Initialized)
        {
            _logger.LogDebug("MCP notification {Method} from session {SessionId} ignored", method, session.Id);
        }
    }

    /// <summary>Server-wide upstream notifications: progress to its call, resource updates to their subscribers, list changes and log messages to every open stream.</summary>
    private void OnUpstreamNotification(UpstreamServer server, string method, JsonNode? parameters)
    {
        switch (method)
        {
            case McpMethods.Progress:
                _progress.Relay(parameters);
                break;
            case McpMethods.ResourceUpdated:
                _host.Listeners.Publish(method, parameters);
                _resources.RelayUpdate(parameters);
                break;
            case McpMethods.Message when ClientRequestRelay.Current is { } call:
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
