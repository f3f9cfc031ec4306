using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LightFabric.Gateway.Bridge;

/// <summary>
/// Relays raw JSON-RPC messages between a local MCP transport (stdio) and a remote light-gateway over Streamable HTTP.
/// The client's <c>initialize</c> and <c>notifications/initialized</c> are kept so that a lost session (gateway
/// restarted, unreachable, stream ended) is replaced by a new one without the local client noticing; messages that
/// cannot reach the gateway in time are answered with a JSON-RPC error so the client never hangs.
/// </summary>
public sealed class McpBridge
{
    /// <summary>The JSON-RPC error code of a request that could not reach the gateway.</summary>
    public const int UnreachableCode = -32000;

    private const string InternalIdPrefix = "light-gateway-bridge-";

    private readonly ITransport _local;
    private readonly BridgeOptions _options;
    private readonly HttpClient _http;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessageWithId>> _internalReplies = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;

    private RemoteSession? _live;
    private TaskCompletionSource _sessionChanged = NewSignal();
    private TaskCompletionSource _kick = NewSignal();
    private Task? _reconnect;
    private CancellationTokenSource? _reconnectCts;
    private JsonRpcRequest? _initialize;
    private JsonRpcNotification? _initialized;
    private PendingInitialize? _pendingInitialize;
    private int _generation;
    private long _internalIds;
    private volatile string _lastError = "no session with the gateway yet";

    public McpBridge(ITransport local, BridgeOptions options, HttpClient http, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _local = local;
        _options = options;
        _http = http;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("LightFabric.Gateway.Bridge");
    }

    /// <summary>Relays until the local input ends or <paramref name="stop"/> fires, then closes the remote session.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _stopping.Token);
        var token = linked.Token;
        _logger.LogInformation("bridge: relaying MCP between stdio and {Url}{Auth}", _options.Url,
            _options.HasToken ? " (Authorization from LIGHT_GATEWAY_TOKEN)" : " (no LIGHT_GATEWAY_TOKEN set: anonymous)");
        try
        {
            await foreach (var message in _local.MessageReader.ReadAllAsync(token))
            {
                switch (message)
                {
                    case JsonRpcRequest { Method: RequestMethods.Initialize } initialize:
                        // Nothing else is forwarded before the session exists (the SDK stores the session id only
                        // after it hands over the reply).
                        await InitializeAsync(initialize, token);
                        break;
                    case JsonRpcNotification { Method: NotificationMethods.InitializedNotification } initialized:
                        _initialized = initialized;
                        await ForwardAsync(initialized, token);
                        break;
                    default:
                        // A request's send lasts until its whole answer arrived: each runs on its own.
                        Track(Task.Run(() => ForwardAsync(message, token), CancellationToken.None));
                        break;
                }
            }

            _logger.LogInformation("bridge: stdin closed; closing the gateway session");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _logger.LogInformation("bridge: stopping; closing the gateway session");
        }
        catch (Exception ex)
        {
            _logger.LogWarning("bridge: reading stdin failed ({Error}); closing the gateway session", ex.Message);
        }
        finally
        {
            await ShutdownAsync();
        }
    }

    private async Task InitializeAsync(JsonRpcRequest initialize, CancellationToken token)
    {
        RemoteSession? previous;
        var pending = new PendingInitialize(initialize.Id);
        lock (_gate)
        {
            _initialize = initialize;
            _initialized = null;
            _generation++;
            previous = _live;
            _live = null;
            _pendingInitialize = pending;
        }

        if (previous is not null)
        {
            _logger.LogInformation("bridge: the client initialized again; replacing session {Session}", previous.SessionId);
            _ = CloseAsync(previous);
        }

        StartReconnect(restart: true);
        try
        {
            await pending.Done.Task.WaitAsync(_options.RequestWait, token);
        }
        catch (TimeoutException)
        {
            if (pending.TryClaim())
            {
                await SendLocalAsync(Error(initialize.Id, UnreachableCode, BridgeFailure.Unreachable(_lastError)));
            }
        }
    }

    private void StartReconnect(bool restart = false)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _initialize is null || _live is not null)
            {
                return;
            }

            if (_reconnect is { IsCompleted: false } && !restart)
            {
                return;
            }

            // The previous loop only watches its token; disposing the source also drops its link to _stopping.
            _reconnectCts?.Cancel();
            _reconnectCts?.Dispose();
            _reconnectCts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var token = _reconnectCts.Token;
            _reconnect = Task.Run(() => ConnectLoopAsync(token), CancellationToken.None);
        }
    }

    /// <summary>Establishes a session, retrying with backoff (1 s doubling to 30 s) until one exists.</summary>
    private async Task ConnectLoopAsync(CancellationToken token)
    {
        var delay = _options.InitialBackoff;
        var attempt = 0;
        while (!token.IsCancellationRequested)
        {
            JsonRpcRequest initialize;
            JsonRpcNotification? initialized;
            PendingInitialize? pending;
            int generation;
            lock (_gate)
            {
                if (_live is not null || _initialize is null)
                {
                    return;
                }

                initialize = _initialize;
                initialized = _initialized;
                pending = _pendingInitialize;
                generation = _generation;
            }

            attempt++;
            try
            {
                var (session, reply) = await EstablishAsync(initialize, initialized, token);
                if (reply is JsonRpcError refused)
                {
                    await CloseAsync(session);
                    if (pending is not null)
                    {
                        // The client's own initialize was refused: it gets the gateway's answer; nothing to replay.
                        lock (_gate)
                        {
                            if (generation == _generation)
                            {
                                _initialize = null;
                                _pendingInitialize = null;
                            }
                        }

                        if (pending.TryClaim())
                        {
                            await SendLocalAsync(Error(pending.Id, refused.Error.Code, refused.Error.Message, refused.Error.Data));
                        }

                        pending.Done.TrySetResult();
                        return;
                    }

                    throw new InvalidOperationException($"the gateway refused the replayed initialize: {refused.Error.Message} ({refused.Error.Code})");
                }

                var accepted = false;
                lock (_gate)
                {
                    if (generation == _generation && _live is null && !_stopping.IsCancellationRequested)
                    {
                        _live = session;
                        if (ReferenceEquals(_pendingInitialize, pending))
                        {
                            _pendingInitialize = null;
                        }

                        accepted = true;
                    }
                }

                if (!accepted)
                {
                    await CloseAsync(session);
                    return;
                }

                if (pending is not null && pending.TryClaim())
                {
                    _logger.LogInformation("bridge: connected to {Url}, session {Session}", _options.Url, session.SessionId);
                    await SendLocalAsync(new JsonRpcResponse { Id = pending.Id, Result = ((JsonRpcResponse)reply).Result });
                }
                else
                {
                    _logger.LogInformation("bridge: reconnected to {Url} after {Attempts} attempt(s): new session {Session} (the client's initialize was replayed)",
                        _options.Url, attempt, session.SessionId);
                }

                pending?.Done.TrySetResult();
                SignalSessionChanged();
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _lastError = BridgeFailure.Describe(ex);
                _logger.LogWarning("bridge: cannot open a session with {Url} ({Error}); next attempt in {Delay} s",
                    _options.Url, _lastError, delay.TotalSeconds);
                SignalSessionChanged();
            }

            try
            {
                // A message from the client waiting for the gateway cuts the backoff short, but attempts stay at least
                // the first backoff apart.
                var since = _time.GetTimestamp();
                await Task.WhenAny(Task.Delay(delay, _time, token), _kick.Task.WaitAsync(token));
                token.ThrowIfCancellationRequested();
                var elapsed = _time.GetElapsedTime(since);
                if (elapsed < _options.InitialBackoff)
                {
                    await Task.Delay(_options.InitialBackoff - elapsed, _time, token);
                }

                Interlocked.Exchange(ref _kick, NewSignal());
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxBackoff.Ticks));
        }
    }

    /// <summary>Opens a Streamable HTTP session and sends the (replayed) initialize under an id of the bridge's own.</summary>
    private async Task<(RemoteSession Session, JsonRpcMessageWithId Reply)> EstablishAsync(
        JsonRpcRequest initialize, JsonRpcNotification? initialized, CancellationToken token)
    {
        var client = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = _options.Url,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string>(_options.Headers),
            Name = "light-gateway",
            OwnsSession = true,
        }, _http, _loggerFactory, ownsHttpClient: false);
        var transport = await client.ConnectAsync(token);
        var session = new RemoteSession(client, transport);
        var id = new RequestId(InternalIdPrefix + Interlocked.Increment(ref _internalIds));
        var reply = new TaskCompletionSource<JsonRpcMessageWithId>(TaskCreationOptions.RunContinuationsAsynchronously);
        _internalReplies[id] = reply;
        session.Pump = Task.Run(() => PumpAsync(session), CancellationToken.None);
        try
        {
            await transport.SendMessageAsync(new JsonRpcRequest { Id = id, Method = initialize.Method, Params = initialize.Params?.DeepClone() }, token);
            var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(10), token);
            if (answer is JsonRpcResponse && initialized is not null)
            {
                await transport.SendMessageAsync(initialized, token);
            }

            return (session, answer);
        }
        catch
        {
            await CloseAsync(session);
            throw;
        }
        finally
        {
            _internalReplies.TryRemove(id, out _);
        }
    }

    /// <summary>Gateway → client: everything but the answers to the bridge's own initialize requests.</summary>
    private async Task PumpAsync(RemoteSession session)
    {
        string reason;
        try
        {
            await foreach (var message in session.Transport.MessageReader.ReadAllAsync(_stopping.Token))
            {
                if (message is JsonRpcResponse or JsonRpcError && message is JsonRpcMessageWithId reply
                    && _internalReplies.TryRemove(reply.Id, out var waiter))
                {
                    waiter.TrySetResult(reply);
                    continue;
                }

                await SendLocalAsync(message);
            }

            reason = "the session ended";
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            reason = BridgeFailure.Describe(ex);
        }

        SessionFailed(session, reason);
    }

    /// <summary>Client → gateway for everything but initialize; a request that cannot be delivered is answered with an error.</summary>
    private async Task ForwardAsync(JsonRpcMessage message, CancellationToken token)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = await WaitForSessionAsync(token);
                if (session is null)
                {
                    var initialized = _initialize is not null;
                    await AnswerErrorAsync(message, UnreachableCode,
                        initialized ? BridgeFailure.Unreachable(_lastError) : "light-gateway bridge: the client has not sent initialize yet");
                    return;
                }

                try
                {
                    await session.Transport.SendMessageAsync(message, token);
                    return;
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    var failure = BridgeFailure.Of(ex);
                    if (failure.BreaksSession)
                    {
                        SessionFailed(session, failure.Reason);
                    }

                    if (failure.NotDelivered && attempt == 0)
                    {
                        // Safe to send again: the gateway never saw it. The next session is a replayed initialize away.
                        _logger.LogDebug("bridge: {Method} was not delivered ({Error}); retrying on a new session", Describe(message), failure.Reason);
                        continue;
                    }

                    await AnswerErrorAsync(message, failure.Code, failure.Message);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogWarning("bridge: relaying {Method} failed: {Error}", Describe(message), ex.Message);
        }
    }

    private async Task<RemoteSession?> WaitForSessionAsync(CancellationToken token)
    {
        var waitingSince = _time.GetTimestamp();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_live is not null)
                {
                    return _live;
                }

                if (_initialize is null)
                {
                    return null;
                }

                changed = _sessionChanged.Task;
            }

            StartReconnect();
            Volatile.Read(ref _kick).TrySetResult();
            var remaining = _options.RequestWait - _time.GetElapsedTime(waitingSince);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await changed.WaitAsync(remaining, _time, token);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    private void SessionFailed(RemoteSession session, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_live, session))
            {
                return;
            }

            _live = null;
            _lastError = reason;
        }

        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _logger.LogWarning("bridge: lost gateway session {Session} ({Error}); reconnecting", session.SessionId, reason);
        _ = CloseAsync(session);
        StartReconnect();
    }

    private void SignalSessionChanged()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _sessionChanged;
            _sessionChanged = NewSignal();
        }

        previous.TrySetResult();
    }

    private async Task ShutdownAsync()
    {
        await _stopping.CancelAsync();
        SignalSessionChanged();
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
            // Cancelled or still running: the client is gone either way.
        }

        RemoteSession? live;
        Task? reconnect;
        lock (_gate)
        {
            live = _live;
            _live = null;
            reconnect = _reconnect;
        }

        if (reconnect is not null)
        {
            try
            {
                await reconnect.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception)
            {
            }
        }

        if (live is not null)
        {
            try
            {
                // Ends the session on the gateway (DELETE).
                await CloseAsync(live).WaitAsync(TimeSpan.FromSeconds(5));
                _logger.LogInformation("bridge: closed gateway session {Session}", live.SessionId);
            }
            catch (TimeoutException)
            {
                _logger.LogWarning("bridge: closing gateway session {Session} took longer than 5 s; leaving it to expire", live.SessionId);
            }
        }
    }

    private async Task CloseAsync(RemoteSession session)
    {
        try
        {
            await session.Transport.DisposeAsync();
            await session.Client.DisposeAsync();
        }
        catch (Exception ex)
        {
            _logger.LogDebug("bridge: closing session {Session}: {Error}", session.SessionId, ex.Message);
        }
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AnswerErrorAsync(JsonRpcMessage message, int code, string text)
    {
        if (message is JsonRpcRequest request)
        {
            _logger.LogWarning("bridge: answering {Method} (id {Id}) with an error: {Error}", request.Method, request.Id, text);
            await SendLocalAsync(Error(request.Id, code, text));
        }
        else
        {
            _logger.LogWarning("bridge: dropped {Method}: {Error}", Describe(message), text);
        }
    }

    private async Task SendLocalAsync(JsonRpcMessage message)
    {
        try
        {
            await _local.SendMessageAsync(message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogDebug("bridge: cannot write to stdout: {Error}", ex.Message);
        }
    }

    private static JsonRpcError Error(RequestId id, int code, string message, object? data = null) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = message, Data = data } };

    private static string Describe(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest r => r.Method,
        JsonRpcNotification n => n.Method,
        JsonRpcMessageWithId m => $"the answer to {m.Id}",
        _ => "a message",
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
