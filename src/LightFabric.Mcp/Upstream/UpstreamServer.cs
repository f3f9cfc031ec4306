using System.Collections.ObjectModel;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LightFabric.Mcp.Protocol;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// One supervised upstream MCP server (one <c>servers:</c> entry), shared by all downstream sessions: keeps a
/// connection up, restarts the process or reconnects with backoff when it ends, and keeps the last tool list so the
/// tools stay visible (and fail clearly) while the upstream is down.
/// </summary>
public sealed class UpstreamServer : IAsyncDisposable
{
    /// <summary>The log category of everything upstream, including the children's stderr lines.</summary>
    public const string LogCategory = "LightFabric.Mcp.Upstream";

    /// <summary>
    /// What the gateway declares to upstreams: the client features it relays to its own clients. A client that
    /// lacks one gets the upstream's request answered with an error instead.
    /// </summary>
    private static readonly JsonObject RelayedClientCapabilities = new()
    {
        ["sampling"] = new JsonObject(),
        ["elicitation"] = new JsonObject(),
        ["roots"] = new JsonObject { ["listChanged"] = true },
    };

    /// <summary>A connection that stayed up this long resets the backoff, so a rare crash restarts quickly again.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    /// <summary>Bounds paging through tools/list, against an upstream that keeps returning a cursor.</summary>
    private const int MaxToolPages = 1000;

    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly HttpClient? _httpClient;
    private readonly HttpClient? _ownedHttpClient;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstTools = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _publishLock = new();
    private volatile UpstreamState _state = new(UpstreamStatus.Starting, null, null, 0);
    private volatile UpstreamConnection? _connection;
    private volatile IReadOnlyList<JsonObject> _tools = ReadOnlyCollection<JsonObject>.Empty;
    private string? _publishedToolsJson;
    private volatile int _processId;
    private Task _loop = Task.CompletedTask;
    private int _started;
    private int _disposed;

    /// <param name="httpClient">
    /// For sse/http upstreams; its <c>Timeout</c> should be infinite (event streams stay open, and
    /// <see cref="UpstreamServerSettings.RequestTimeout"/> bounds requests). When null the server creates its own.
    /// </param>
    /// <param name="timeProvider">The clock of health checks, timeouts and restart delays (a fake one in tests).</param>
    public UpstreamServer(UpstreamServerSettings settings, ILoggerFactory loggerFactory, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        Settings = settings;
        _time = timeProvider ?? TimeProvider.System;
        HealthCheckInterval = settings.HealthCheckInterval;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger(LogCategory);
        if (settings.Transport != UpstreamTransportKind.Stdio)
        {
            _ownedHttpClient = httpClient is null
                ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan }
                : null;
            _httpClient = httpClient ?? _ownedHttpClient;
        }
    }

    public string Name => Settings.Name;

    public UpstreamServerSettings Settings { get; }

    public UpstreamState State => _state;

    /// <summary>The last successfully read tool list (tools/list objects as sent upstream). Do not mutate.</summary>
    public IReadOnlyList<JsonObject> Tools => _tools;

    /// <summary>The current connection's initialize result, or null while not connected.</summary>
    public JsonObject? InitializeResult => _connection?.InitializeResult;

    /// <summary>
    /// Answers server-to-client requests (sampling, elicitation, roots/list). Read at each request, so it may be set
    /// at any time; when null, ping gets <c>{}</c> and anything else -32601.
    /// </summary>
    public Func<string, JsonNode?, CancellationToken, Task<JsonNode?>>? ServerRequestHandler { get; set; }

    /// <summary>Raised after a tool list was published whose content differs from the previous one.</summary>
    public event Action<UpstreamServer>? ToolsChanged;

    /// <summary>Upstream notifications other than tools/list_changed (progress, logging, resources), passed through.</summary>
    public event Action<UpstreamServer, string, JsonNode?>? NotificationReceived;

    /// <summary>How often the upstream is pinged (<see cref="UpstreamServerSettings.HealthCheckInterval"/>; tests shorten it).</summary>
    internal TimeSpan HealthCheckInterval { get; set; }

    /// <summary>
    /// Raised when the supervisor starts waiting on the clock: <c>health-interval</c> (until the next ping),
    /// <c>health-ping</c> (for a ping's answer) or <c>restart-delay</c>. Lets tests with a fake clock advance it only
    /// once the timer exists.
    /// </summary>
    internal event Action<string>? WaitingOnClock;

    /// <summary>The reader of the current stdio child's stdout, while one runs (for diagnostics and tests).</summary>
    internal BoundedLineReader? StdioOutput => (_connection?.Transport as StdioUpstreamSession)?.Output;

    /// <summary>The stdio child's process id while one runs (for diagnostics and tests).</summary>
    internal int? ProcessId => _processId == 0 ? null : _processId;

    /// <summary>Begins supervising in the background and returns at once.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop = Task.Run(SuperviseAsync, CancellationToken.None);
        }
    }

    /// <summary>True once a first tool list was published; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForFirstToolsAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _firstTools.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Sends a request on the current connection, bounded by <see cref="UpstreamServerSettings.RequestTimeout"/>.</summary>
    /// <exception cref="UpstreamUnavailableException">The upstream is not up, or the connection ended meanwhile.</exception>
    /// <exception cref="UpstreamTimeoutException">No answer within the timeout; the request was cancelled upstream.</exception>
    /// <exception cref="UpstreamErrorException">The upstream answered with a JSON-RPC error.</exception>
    public async Task<JsonNode?> RequestAsync(string method, JsonNode? @params, CancellationToken ct)
    {
        var connection = _connection;
        if (connection is null || _state.Status != UpstreamStatus.Up)
        {
            throw NotUp();
        }

        using var deadline = new CancellationTokenSource(Settings.RequestTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await connection.RequestAsync(method, @params, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new UpstreamTimeoutException(Name, method, Settings.RequestTimeout);
        }
    }

    /// <summary>tools/call with the upstream's own tool name; <paramref name="meta"/> (e.g. a progressToken) goes in <c>_meta</c>.</summary>
    public Task<JsonNode?> CallToolAsync(string name, JsonNode? arguments, JsonObject? meta, CancellationToken ct)
    {
        var @params = new JsonObject { ["name"] = name };
        if (arguments is not null)
        {
            // A detached node is taken over as it is; one still in another tree is copied.
            @params["arguments"] = arguments.Parent is null ? arguments : arguments.DeepClone();
        }

        if (meta is not null)
        {
            @params["_meta"] = meta.Parent is null ? meta : meta.DeepClone();
        }

        return RequestAsync(McpMethods.ToolsCall, @params, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _state = _state with { Status = UpstreamStatus.Stopped, Reason = "stopped by the gateway", NextAttemptAt = null };
        _ownedHttpClient?.Dispose();
        _stop.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var stop = _stop.Token;
        var failures = 0;
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            if (attempt > 0)
            {
                _state = _state with { Restarts = _state.Restarts + 1 };
            }

            DateTimeOffset? upSince = null;
            string reason;
            UpstreamConnection? connection = null;
            IAsyncDisposable? ownedTransport = null;
            using var scope = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var workers = new List<Task>();
            try
            {
                (var transport, ownedTransport) = CreateTransport();
                (connection, var toolsChangedSignal, var tools) = await ConnectAsync(transport, stop).ConfigureAwait(false);
                _connection = connection;
                upSince = _time.GetUtcNow();
                _state = _state with { Status = UpstreamStatus.Up, Reason = null, NextAttemptAt = null };

                // Published after the state says Up, so whoever waits for the first tools can call them at once.
                Publish(tools);
                UpstreamServerLog.LogUp(_logger, Name, Settings.Transport.ToString().ToLowerInvariant(), connection.NegotiatedProtocolVersion, _tools.Count,
                    ProcessId is int pid ? $", pid {pid}" : "");

                // Started after the first publish so a change signalled meanwhile (buffered) cannot be overwritten
                // by the older first list.
                workers.Add(RefreshToolsOnSignalAsync(connection, toolsChangedSignal, scope.Token));
                workers.Add(CheckHealthAsync(connection, scope.Token));

                await connection.Completion.WaitAsync(stop).ConfigureAwait(false);
                reason = connection.CloseReason ?? "the connection ended";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                _connection = null;
                await CloseAsync(connection, ownedTransport).ConfigureAwait(false);
                break;
            }
            catch (Exception ex)
            {
                reason = UpstreamFailureText.Describe(ex);
            }
            finally
            {
                await scope.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(workers).ConfigureAwait(false);
            }

            // Calls arriving from now on fail with the supervisor's reason and next attempt instead of reaching a
            // dead connection.
            _connection = null;
            if (upSince is { } since && _time.GetUtcNow() - since >= StableAfter)
            {
                failures = 0;
            }

            var delay = Backoff(failures++);
            var previous = _state;
            _state = previous with { Status = UpstreamStatus.Down, Reason = reason, NextAttemptAt = _time.GetUtcNow() + delay };
            if (previous.Status != UpstreamStatus.Down || previous.Reason != reason)
            {
                UpstreamServerLog.LogDown(_logger, Name, reason, delay.TotalSeconds);
            }
            else
            {
                UpstreamServerLog.LogStillDown(_logger, Name, reason, delay.TotalSeconds);
            }

            // Closing may take a moment (a stdio child is waited for, then killed); it counts towards the delay.
            await CloseAsync(connection, ownedTransport).ConfigureAwait(false);
            var remaining = _state.NextAttemptAt!.Value - _time.GetUtcNow();
            try
            {
                if (remaining > TimeSpan.Zero)
                {
                    var wait = Task.Delay(remaining, _time, stop);
                    WaitingOnClock?.Invoke("restart-delay");
                    await wait.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _state = _state with { Status = UpstreamStatus.Stopped, Reason = "stopped by the gateway", NextAttemptAt = null };
    }

    /// <returns>The connection and the signal its tools/list_changed notifications write to; subscribed before the
    /// first tools/list so that no change between reading and watching is lost.</returns>
    private async Task<(UpstreamConnection Connection, Channel<bool> ToolsChanged, List<JsonObject> Tools)> ConnectAsync(IClientTransport transport, CancellationToken stop)
    {
        using var connectDeadline = new CancellationTokenSource(Settings.ConnectTimeout, _time);
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop, connectDeadline.Token);
        UpstreamConnection? connection = null;
        try
        {
            connection = await UpstreamConnection.ConnectAsync(transport, Name, McpProtocolVersions.Latest, RelayedClientCapabilities,
                AnswerServerRequestAsync, _logger, connectTimeout.Token).ConfigureAwait(false);
            if (Settings.Transport == UpstreamTransportKind.Http)
            {
                connection.DirectRequests = new StreamableHttpRequester(_httpClient!, Settings.Url!, Settings.Headers, Settings.MaxMessageBytes);
            }

            var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
            connection.NotificationReceived += (method, @params) => OnNotification(signal, method, @params);
            return (connection, signal, await ListToolsAsync(connection, connectTimeout.Token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && connectTimeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                throw new TimeoutException($"connecting and initializing took longer than {Settings.ConnectTimeout.TotalSeconds:0.###} s");
            }

            throw;
        }
    }

    private (IClientTransport Transport, IAsyncDisposable? Owned) CreateTransport()
    {
        _processId = 0;
        if (Settings.Transport == UpstreamTransportKind.Stdio)
        {
            return (new StdioUpstreamTransport(Settings, _logger, line => UpstreamServerLog.LogStderr(_logger, Name, line), pid => _processId = pid), null);
        }

        var url = Settings.Url ?? throw new InvalidOperationException("no url is configured");
        var httpOptions = new HttpClientTransportOptions
        {
            Name = Name,
            Endpoint = url,
            TransportMode = Settings.Transport == UpstreamTransportKind.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string>(Settings.Headers),
            ConnectionTimeout = Settings.ConnectTimeout,
        };
        var http = new HttpClientTransport(httpOptions, _httpClient!, _loggerFactory, ownsHttpClient: false);
        return (http, http);
    }

    private async Task CloseAsync(UpstreamConnection? connection, IAsyncDisposable? ownedTransport)
    {
        if (connection is not null)
        {
            var tree = ProcessTree.Snapshot(ProcessId);
            await connection.DisposeAsync().ConfigureAwait(false);
            tree.KillSurvivors();
        }

        if (ownedTransport is not null)
        {
            await ownedTransport.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<List<JsonObject>> ListToolsAsync(UpstreamConnection connection, CancellationToken ct)
    {
        var tools = new List<JsonObject>();
        var seenCursors = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        for (var page = 0; ; page++)
        {
            if (page == MaxToolPages)
            {
                throw new InvalidOperationException($"tools/list returned more than {MaxToolPages} pages");
            }

            var @params = cursor is null ? null : new JsonObject { ["cursor"] = cursor };
            using var deadline = new CancellationTokenSource(Settings.RequestTimeout, _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            JsonNode? result;
            try
            {
                result = await connection.RequestAsync(McpMethods.ToolsList, @params, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new UpstreamTimeoutException(Name, McpMethods.ToolsList, Settings.RequestTimeout);
            }

            if (result?["tools"] is not JsonArray array)
            {
                throw new InvalidOperationException($"tools/list returned no tools array: {result?.ToJsonString() ?? "null"}");
            }

            foreach (var tool in array)
            {
                if (tool is JsonObject toolObject && toolObject["name"] is JsonValue name && name.TryGetValue(out string? _))
                {
                    tools.Add((JsonObject)toolObject.DeepClone());
                }
                else
                {
                    UpstreamServerLog.LogInvalidTool(_logger, Name, tool?.ToJsonString() ?? "null");
                }
            }

            cursor = result["nextCursor"] is JsonValue next && next.TryGetValue(out string? text) && text.Length > 0 ? text : null;
            if (cursor is null)
            {
                return tools;
            }

            if (!seenCursors.Add(cursor))
            {
                throw new InvalidOperationException($"tools/list repeated the cursor '{cursor}'");
            }
        }
    }

    private void Publish(List<JsonObject> tools)
    {
        var json = new JsonArray(tools.Select(t => (JsonNode)t.DeepClone()).ToArray()).ToJsonString();
        bool changed;
        lock (_publishLock)
        {
            changed = _publishedToolsJson != json;
            if (changed)
            {
                _tools = tools.AsReadOnly();
                _publishedToolsJson = json;
            }
        }

        _firstTools.TrySetResult();
        if (changed)
        {
            UpstreamServerLog.LogToolsPublished(_logger, Name, tools.Count);
            try
            {
                ToolsChanged?.Invoke(this);
            }
            catch (Exception ex)
            {
                UpstreamServerLog.LogHandlerFailed(_logger, Name, nameof(ToolsChanged), ex);
            }
        }
    }

    private void OnNotification(Channel<bool> toolsChanged, string method, JsonNode? @params)
    {
        if (method == McpMethods.ToolsListChanged)
        {
            toolsChanged.Writer.TryWrite(true);
            return;
        }

        try
        {
            NotificationReceived?.Invoke(this, method, @params);
        }
        catch (Exception ex)
        {
            UpstreamServerLog.LogHandlerFailed(_logger, Name, nameof(NotificationReceived), ex);
        }
    }

    /// <summary>Re-reads the whole list on each tools/list_changed; signals arriving during a read coalesce into one more read.</summary>
    private async Task RefreshToolsOnSignalAsync(UpstreamConnection connection, Channel<bool> signal, CancellationToken ct)
    {
        try
        {
            while (await signal.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                signal.Reader.TryRead(out _);
                try
                {
                    Publish(await ListToolsAsync(connection, ct).ConfigureAwait(false));
                }
                catch (Exception ex)
                {
                    // A connection closing while the list is read fails the read after the worker was stopped; the
                    // supervisor already knows, and a worker that throws would end supervision.
                    if (!ct.IsCancellationRequested)
                    {
                        UpstreamServerLog.LogRefreshFailed(_logger, Name, UpstreamFailureText.Describe(ex));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Pings the upstream every <see cref="HealthCheckInterval"/>, each ping bounded by its own short timeout. A
    /// frozen process (SIGSTOP, a deadlock) keeps its pipes open and a dead Streamable HTTP server's event stream can
    /// give up silently, so neither ends the connection on its own; after
    /// <see cref="UpstreamServerSettings.HealthCheckMisses"/> pings in a row go unanswered (a miss is retried at once)
    /// the connection is ended: calls in flight fail, new calls fail fast while the supervisor restarts the server.
    /// </summary>
    private async Task CheckHealthAsync(UpstreamConnection connection, CancellationToken ct)
    {
        var misses = Math.Max(1, Settings.HealthCheckMisses);
        try
        {
            var missed = 0;
            while (true)
            {
                if (missed == 0)
                {
                    var interval = Task.Delay(HealthCheckInterval, _time, ct);
                    WaitingOnClock?.Invoke("health-interval");
                    await interval.ConfigureAwait(false);
                }

                using var deadline = new CancellationTokenSource(Settings.HealthCheckTimeout, _time);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
                try
                {
                    var ping = connection.RequestAsync(McpMethods.Ping, null, timeout.Token);
                    WaitingOnClock?.Invoke("health-ping");
                    await ping.ConfigureAwait(false);
                    missed = 0;
                }
                catch (UpstreamErrorException ex) when (ex.Code == McpErrorCodes.MethodNotFound)
                {
                    // It answered, so it is alive.
                    missed = 0;
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    missed++;
                    UpstreamServerLog.LogPingMissed(_logger, Name, missed, misses, Settings.HealthCheckTimeout.TotalSeconds);
                    if (missed >= misses)
                    {
                        connection.Abort($"health check failed: no answer to {misses} ping{(misses == 1 ? "" : "s")} in a row " +
                            $"(each within {Settings.HealthCheckTimeout.TotalSeconds:0.###} s)");
                        return;
                    }
                }
                catch (Exception ex)
                {
                    // Stopped meanwhile: the connection is being closed anyway (and a throwing worker would end supervision).
                    if (!ct.IsCancellationRequested)
                    {
                        connection.Abort($"health check failed: {UpstreamFailureText.Describe(ex)}");
                    }

                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Task<JsonNode?> AnswerServerRequestAsync(string method, JsonNode? @params, CancellationToken ct)
    {
        if (ServerRequestHandler is { } handler)
        {
            return handler(method, @params, ct);
        }

        if (method == McpMethods.Ping)
        {
            return Task.FromResult<JsonNode?>(new JsonObject());
        }

        throw new UpstreamErrorException(Name, McpErrorCodes.MethodNotFound, $"Method not found: {method}", null);
    }

    private UpstreamUnavailableException NotUp()
    {
        var state = _state;
        var detail = state.Status switch
        {
            UpstreamStatus.Starting => "it is starting",
            UpstreamStatus.Stopped => "it was stopped",
            UpstreamStatus.Down when state.NextAttemptAt is { } next && next > _time.GetUtcNow() =>
                $"it is down: {state.Reason}; next attempt in {Math.Ceiling((next - _time.GetUtcNow()).TotalSeconds):0} s",
            UpstreamStatus.Down => $"it is down: {state.Reason}; reconnecting now",
            _ => "it is reconnecting",
        };
        return new UpstreamUnavailableException(Name, $"upstream MCP server '{Name}' is unavailable: {detail}") { NotSent = true };
    }

    private TimeSpan Backoff(int failures)
    {
        var first = Settings.RestartDelay > TimeSpan.Zero ? Settings.RestartDelay : TimeSpan.FromMilliseconds(100);
        var max = Settings.MaxRestartDelay > first ? Settings.MaxRestartDelay : first;
        var delay = first * Math.Pow(2, Math.Min(failures, 30));
        if (delay > max)
        {
            delay = max;
        }

        // Up to 10 % jitter so many upstreams (or gateway replicas) do not retry in lockstep.
        return delay * (1 + (Random.Shared.NextDouble() * 0.1));
    }
}
