using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Schema;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Tools;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// One generation of the MCP router: the settings of one mcp-router.yml, the upstream servers it uses and
/// the merged catalog. It answers initialize, ping, tools/list and tools/call for the Streamable HTTP
/// endpoint and sends each call to its owner. A reload builds a new router; sessions live on in the host.
/// </summary>
public sealed partial class McpRouter : IMcpServerHandler, IAsyncDisposable
{
    private static readonly string Version =
        typeof(McpRouter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly byte[] ListChangedNotification = JsonRpcWriter.Notification(McpMethods.ToolsListChanged, null);

    private readonly McpRouterHost _host;
    private readonly ILogger _logger;
    private readonly Dictionary<string, UpstreamServer> _servers = new(StringComparer.Ordinal);
    private readonly HttpApiToolInvoker _httpTools;
    private readonly McpBackendToolInvoker _backendTools;
    private readonly Lock _catalogLock = new();
    private readonly RoundTripCalls _roundTrips = new();
    private readonly IToolCallPolicy? _policy;
    private volatile ToolCatalog _catalog = ToolCatalog.Empty;
    private volatile bool _active;

    /// <summary>This generation's servers as configured, published once acquired (read by readiness at any time).</summary>
    private volatile IReadOnlyList<(UpstreamServerEntry Entry, UpstreamServer Server)> _acquired = [];

    /// <summary>While activation waits for the required servers: when that wait runs out (UTC ticks); 0 otherwise.</summary>
    private long _startupWaitEndsAtTicks;

    public McpRouter(McpRouterSettings settings, McpRouterHost host, IToolCallPolicy? policy = null)
    {
        Settings = settings;
        _policy = policy;
        _host = host;
        _logger = host.LoggerFactory.CreateLogger("LightFabric.Mcp.Router");
        _httpTools = new HttpApiToolInvoker(host.HttpClient, settings.HttpToolTimeout, settings.MaxResponseBodyBytes);
        _backendTools = new McpBackendToolInvoker(host.HttpClient, host.LoggerFactory.CreateLogger("LightFabric.Mcp.Backend"), settings.HttpToolTimeout);
        Endpoint = new StreamableHttpEndpoint(
            new StreamableHttpOptions
            {
                MaxRequestBodyBytes = settings.MaxRequestBodyBytes,
                MaxJsonDepth = settings.MaxJsonDepth,
                OriginAllowlist = settings.OriginAllowlist,
                DnsRebindingProtection = settings.DnsRebindingProtection,
                StatelessEnabled = settings.StatelessEnabled,
                AllowedHosts = settings.AllowedHosts,
            },
            host.Sessions,
            this,
            host.LoggerFactory.CreateLogger("LightFabric.Mcp.Transport"));
        Legacy = new LegacySseEndpoint(Endpoint.Options, host.Sessions, this, Endpoint, host.LoggerFactory.CreateLogger("LightFabric.Mcp.Transport"));
    }

    public McpRouterSettings Settings { get; }

    public StreamableHttpEndpoint Endpoint { get; }

    /// <summary>The 2024-11-05 HTTP+SSE transport on <c>{path}/sse</c> and <c>{path}/messages</c>.</summary>
    public LegacySseEndpoint Legacy { get; }

    public ToolCatalog Catalog => _catalog;

    /// <summary>The access-control policy of this generation, or null when none is configured.</summary>
    public IToolCallPolicy? Policy => _policy;

    /// <summary>
    /// Starts (or reuses) the upstream servers, waits up to <see cref="McpRouterSettings.UpstreamStartupWait"/> for the
    /// first tool lists of the required ones (<see cref="UpstreamServerEntry.Required"/>; the others' tools join when
    /// they list them) and builds the catalog. Throws <see cref="McpConfigurationException"/> when tool names collide
    /// beyond what the prefix mode resolves; nothing stays acquired then.
    /// </summary>
    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var acquired = new List<(UpstreamServerEntry, UpstreamServer)>();
        foreach (var entry in Settings.Servers)
        {
            var server = _host.Upstreams.Acquire(entry.Settings);
            _servers[entry.Settings.Name] = server;
            acquired.Add((entry, server));
        }

        _acquired = acquired;

        // Subscribed before the first catalog is built, so a tool list that changes while the router starts is
        // not missed: a change before the build is in the build; one after it finds the router active (see below).
        foreach (var server in _servers.Values)
        {
            server.ToolsChanged += OnUpstreamToolsChanged;
        }

        try
        {
            await WaitForRequiredServersAsync(acquired, cancellationToken).ConfigureAwait(false);

            ToolCatalog catalog;
            lock (_catalogLock)
            {
                // Built and published under the lock OnUpstreamToolsChanged takes: a change it saw before this
                // (router not yet active) is already in the servers' tool lists read here.
                var collisions = new List<string>();
                catalog = BuildCatalog(collisions);
                if (collisions.Count > 0)
                {
                    throw new McpConfigurationException(collisions);
                }

                _catalog = catalog;
                _active = true;
            }

            _host.Sessions.Configure(new McpSessionStore.SessionLimits(Settings.MaxSessions, Settings.MaxSessionsPerClient, Settings.SessionIdleTimeout));
            foreach (var server in _servers.Values)
            {
                server.NotificationReceived += OnUpstreamNotification;
                server.ServerRequestHandler = ClientRequestHandler(server.Name);
            }

            _logger.LogInformation("MCP router on {Path}: {Tools} tools from {Configured} configured tools and {Servers} upstream servers",
                Settings.Path, catalog.Tools.Count, Settings.Tools.Count, _servers.Count);

            // A reload can change what existing sessions see.
            NotifyListChanged();
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
        var acquired = _acquired;
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
    private async Task WaitForRequiredServersAsync(List<(UpstreamServerEntry Entry, UpstreamServer Server)> acquired, CancellationToken cancellationToken)
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
        _active = false;
        _acquired = [];
        foreach (var server in _servers.Values)
        {
            server.ToolsChanged -= OnUpstreamToolsChanged;
            server.NotificationReceived -= OnUpstreamNotification;
            await _host.Upstreams.ReleaseAsync(server).ConfigureAwait(false);
        }

        _servers.Clear();
    }

    public JsonObject InitializeResult(string protocolVersion, JsonObject? clientInfo) => new()
    {
        ["protocolVersion"] = protocolVersion,
        ["capabilities"] = Capabilities(),
        ["serverInfo"] = new JsonObject { ["name"] = "light-gateway-mcp", ["version"] = Version },
    };

    /// <summary>server/discover: every revision spoken, the capabilities and who this is, without a session.</summary>
    private JsonObject Discover() => new()
    {
        ["supportedVersions"] = new JsonArray(McpProtocolVersions.All.Select(v => (JsonNode)v).ToArray()),
        ["capabilities"] = Capabilities(),
        ["serverInfo"] = new JsonObject { ["name"] = "light-gateway-mcp", ["version"] = Version },
    };

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
        McpMethods.SubscriptionsListen when request.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28 => ListenAsync(request, cancellationToken),
        McpMethods.ToolsList => Task.FromResult<JsonNode?>(ListTools(request)),
        McpMethods.ToolsCall => CallToolAsync(request, cancellationToken),
        McpMethods.ResourcesList => ListResourcesAsync(cancellationToken),
        McpMethods.ResourceTemplatesList => ListResourceTemplatesAsync(cancellationToken),
        McpMethods.ResourcesRead => ForwardByUriAsync(request, cancellationToken),
        McpMethods.ResourcesSubscribe => SubscribeAsync(request, subscribe: true, cancellationToken),
        McpMethods.ResourcesUnsubscribe => SubscribeAsync(request, subscribe: false, cancellationToken),
        McpMethods.PromptsList => ListPromptsAsync(cancellationToken),
        McpMethods.PromptsGet => GetPromptAsync(request, cancellationToken),
        McpMethods.Complete => CompleteAsync(request, cancellationToken),
        McpMethods.SetLevel => SetLevelAsync(request, cancellationToken),
        _ => throw new McpException(McpErrorCodes.MethodNotFound, $"Method not found: {request.Method}"),
    };

    public void HandleNotification(McpSession session, string method, JsonNode? parameters)
    {
        if (method != McpMethods.Initialized)
        {
            _logger.LogDebug("MCP notification {Method} from session {SessionId} ignored", method, session.Id);
        }
    }

    private JsonObject ListTools(McpRequest request)
    {
        var parameters = request.Params as JsonObject;
        var catalog = _catalog;
        var tools = catalog.Tools;

        // Carried over from light-4j: an optional substring filter over name and description. It runs before the
        // policy so visibility is decided only for the tools the query keeps.
        var filter = Text(parameters?["query"]) ?? Text(parameters?["intent"]);
        if (!string.IsNullOrWhiteSpace(filter))
        {
            tools = tools.Where(t => t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                || (Text(t.Definition["description"])?.Contains(filter, StringComparison.OrdinalIgnoreCase) ?? false)).ToArray();
        }

        if (_policy is not null && tools.Count > 0)
        {
            var visible = _policy.Visibility(request, tools.Select(t => new ListedTool(t, ToolEndpoints.For(t))).ToArray());
            tools = tools.Where((_, i) => i < visible.Count && visible[i]).ToArray();
        }

        var offset = ToolCursor.Decode(Text(parameters?["cursor"]));
        if (offset > tools.Count)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "Invalid cursor: it is past the end of the tool list; list again without a cursor");
        }

        var pageSize = Math.Max(1, Settings.ToolsPageSize);
        var page = new JsonArray();
        var end = Math.Min(tools.Count, offset + pageSize);
        for (var i = offset; i < end; i++)
        {
            page.Add(tools[i].Definition.DeepClone());
        }

        var result = new JsonObject { ["tools"] = page };
        if (end < tools.Count)
        {
            result["nextCursor"] = ToolCursor.Encode(end);
        }

        return result;
    }

    private async Task<JsonNode?> CallToolAsync(McpRequest request, CancellationToken cancellationToken)
    {
        if (request.Params is not JsonObject parameters)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call needs params with a tool name");
        }

        var name = Text(parameters["name"]);
        if (string.IsNullOrEmpty(name))
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call needs params.name (a non-empty string)");
        }

        var argumentsNode = parameters["arguments"];
        if (argumentsNode is not null and not JsonObject)
        {
            throw new McpException(McpErrorCodes.InvalidParams, "tools/call params.arguments must be an object");
        }

        // The specification answers an unknown tool with invalid params.
        if (!_catalog.TryFind(name, out var tool))
        {
            LogToolCall(_logger, name, "(no such tool)", "unknown-tool", 0, "none");
            throw new McpException(McpErrorCodes.InvalidParams, $"Unknown tool: {name}");
        }

        // Detached rather than copied: the request message is not used again.
        var arguments = argumentsNode as JsonObject ?? [];
        var policyInput = _policy is null ? null : new ToolCallPolicyInput(request, tool, ToolEndpoints.For(tool), arguments);
        if (tool.Target is ConfiguredToolTarget checkedTool && ToolSchemaChecks.CheckArguments(checkedTool.Tool, arguments) is { } invalid)
        {
            // Validated before the rules and masking, so rules see valid arguments; nothing reaches the backend. A caller
            // the rules deny gets the denial, not the schema errors: what a tool expects is not told to whoever may not
            // call it. Upstream servers validate their own.
            if (policyInput is not null)
            {
                EnsureAllowed(tool, policyInput);
            }

            _logger.LogInformation("tools/call {Tool} rejected: the arguments do not match its inputSchema", tool.Name);
            return invalid;
        }

        var policyOutcome = policyInput is null ? "none" : EnsureAllowed(tool, policyInput);

        if (tool.Target is ConfiguredToolTarget { Tool.MasksArguments: true } masking)
        {
            // What the backend receives: values the schema marks x-mask / x-mask-pattern never leave the gateway.
            arguments = ArgumentMasker.Apply(masking.Tool.InputSchema, arguments);
        }

        parameters.Remove("arguments");
        var meta = parameters["_meta"] as JsonObject;
        parameters.Remove("_meta");
        var started = Stopwatch.GetTimestamp();
        var status = "ok";
        try
        {
            var result = tool.Target switch
            {
                ConfiguredToolTarget { Tool.Kind: ConfiguredToolKind.Http } http =>
                    await _httpTools.InvokeAsync(http.Tool, arguments, request.Http.Request.Headers, cancellationToken).ConfigureAwait(false),
                ConfiguredToolTarget backend =>
                    await _backendTools.InvokeAsync(backend.Tool, arguments, request.Session, cancellationToken).ConfigureAwait(false),
                UpstreamToolTarget upstream =>
                    await CallUpstreamAsync(upstream, arguments, meta, request, cancellationToken).ConfigureAwait(false),
                _ => throw new UnreachableException(),
            };

            if (policyInput is not null)
            {
                var filtered = _policy!.FilterResult(policyInput, result);
                if (!ReferenceEquals(filtered, result) && IsErrorResult(filtered) && !IsErrorResult(result))
                {
                    policyOutcome += ", response filter refused the result";
                }

                result = filtered;
            }

            if (tool.Target is ConfiguredToolTarget { Tool.OutputSchema: not null } withOutput)
            {
                // What the caller receives must match the advertised outputSchema (clients validate it too), so the
                // check runs on the filtered result.
                var checkedResult = ToolSchemaChecks.CheckResult(withOutput.Tool, result);
                status = ReferenceEquals(checkedResult, result) ? status : "output does not match outputSchema";
                result = checkedResult;
            }

            // The call reached the tool and the tool reported a failure: not "ok" to whoever reads the log.
            if (status == "ok" && IsErrorResult(result))
            {
                status = "tool-error";
            }

            return result;
        }
        catch (McpException ex)
        {
            status = $"error {ex.Code}";
            throw;
        }
        catch (OperationCanceledException)
        {
            status = "cancelled";
            throw;
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                LogToolCall(_logger, tool.Name, Describe(tool.Target), status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, policyOutcome);
            }
        }
    }

    /// <summary>The policy's verdict for an allowed call; a denied call throws -32001 (and reaches nothing behind the gateway).</summary>
    private string EnsureAllowed(CatalogTool tool, ToolCallPolicyInput policyInput)
    {
        var verdict = _policy!.Authorize(policyInput);
        if (!verdict.Allowed)
        {
            _logger.LogInformation("tools/call {Tool} denied: {Outcome}", tool.Name, verdict.Outcome);
            throw new McpException(McpErrorCodes.AccessDenied, verdict.Reason ?? "Access denied", verdict.Data);
        }

        return verdict.Outcome;
    }

    private Task<JsonNode?> CallUpstreamAsync(
        UpstreamToolTarget target, JsonObject arguments, JsonObject? meta, McpRequest request, CancellationToken cancellationToken)
    {
        if (!_servers.TryGetValue(target.Server, out var server))
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"upstream MCP server '{target.Server}' is no longer configured");
        }

        if (request.Session.ProtocolVersion == McpProtocolVersions.V2026_07_28)
        {
            // The upstream may ask questions a 2026-07-28 client answers by retrying: the call outlives this request.
            return _roundTrips.CallAsync(request,
                (channel, lifetime) => InvokeUpstreamAsync(server, target, arguments, meta, channel, null, lifetime),
                server.Settings.RequestTimeout);
        }

        return InvokeUpstreamAsync(server, target, arguments, meta, new StreamClientChannel(request.Session, request.Related), request.Related, cancellationToken);
    }

    private async Task<JsonNode?> InvokeUpstreamAsync(UpstreamServer server, UpstreamToolTarget target, JsonObject arguments, JsonObject? meta,
        IClientChannel channel, RequestEventStream? progressStream, CancellationToken cancellationToken)
    {
        var upstreamToken = progressStream is null ? null : MapProgressToken(meta, progressStream);
        if (progressStream is null)
        {
            meta?.Remove("progressToken");
        }

        using var call = EnterCall(target.Server, channel);
        try
        {
            return await server.CallToolAsync(target.ToolName, arguments, meta, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamErrorException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, $"upstream MCP server '{target.Server}': {ex.Message}",
                new JsonObject { ["upstreamCode"] = ex.Code, ["upstreamData"] = ex.Data?.DeepClone() });
        }
        catch (UpstreamUnavailableException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, ex.Message);
        }
        catch (UpstreamTimeoutException ex)
        {
            throw new McpException(McpErrorCodes.ExecutionFailed, ex.Message);
        }
        finally
        {
            if (upstreamToken is not null)
            {
                _progress.TryRemove(upstreamToken, out _);
            }
        }
    }

    private static string Describe(ToolTarget target) => target switch
    {
        ConfiguredToolTarget configured => $"{configured.Tool.Method} {configured.Tool.TargetHost.ToString().TrimEnd('/')}{configured.Tool.Path}",
        UpstreamToolTarget upstream => $"{upstream.Server}/{upstream.ToolName}",
        _ => "?",
    };

    private ToolCatalog BuildCatalog(List<string> collisions)
    {
        var sources = Settings.Servers
            .Where(e => _servers.ContainsKey(e.Settings.Name))
            .Select(e => new UpstreamToolSource(e, _servers[e.Settings.Name].Tools))
            .ToArray();
        return ToolCatalogBuilder.Build(Settings.Tools, sources, Settings.PrefixMode, collisions);
    }

    private void OnUpstreamToolsChanged(UpstreamServer server)
    {
        lock (_catalogLock)
        {
            // Read under the lock ActivateAsync builds the first catalog in: not yet active means that build has not
            // run and will read this change (the server updates its tools before raising the event); or disposed.
            if (!_active)
            {
                return;
            }

            var collisions = new List<string>();
            var catalog = BuildCatalog(collisions);
            foreach (var collision in collisions)
            {
                _logger.LogError("Tool list of upstream {Server} changed: {Collision}; the later tool is not published", server.Name, collision);
            }

            if (catalog.Fingerprint == _catalog.Fingerprint)
            {
                return;
            }

            _catalog = catalog;
            _logger.LogInformation("Tool catalog changed ({Server}): {Tools} tools", server.Name, catalog.Tools.Count);
        }

        NotifyListChanged();
    }

    private void NotifyListChanged()
    {
        _host.Listeners.Publish(McpMethods.ToolsListChanged, null);
        foreach (var session in _host.Sessions.Sessions)
        {
            session.Send(ListChangedNotification);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "tools/call {Tool} → {Target} {Status} in {Elapsed:0.0} ms, policy: {Policy}")]
    private static partial void LogToolCall(ILogger logger, string tool, string target, string status, double elapsed, string policy);

    private static bool IsErrorResult(JsonNode? result) =>
        result is JsonObject { } o && o["isError"] is JsonValue v && v.TryGetValue<bool>(out var isError) && isError;

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>tools/list cursors: opaque to clients, an offset to the gateway.</summary>
public static class ToolCursor
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset));

    public static int Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), out var offset) && offset >= 0)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new McpException(McpErrorCodes.InvalidParams, "Invalid cursor: pass back the nextCursor of the previous tools/list unchanged");
    }
}
