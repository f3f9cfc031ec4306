using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using McpException = LightFabric.Mcp.Protocol.McpException;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// One live JSON-RPC client session with an upstream MCP server. The gateway numbers its own upstream requests
/// instead of using the SDK's <c>McpClient</c>, because one connection carries the requests of many downstream
/// clients whose own ids may collide.
/// </summary>
public sealed class UpstreamConnection : IAsyncDisposable
{
    /// <summary>How long disposing waits for the transport (stdio shutdown, HTTP DELETE) before giving up on it.</summary>
    private static readonly TimeSpan TransportDisposeTimeout = TimeSpan.FromSeconds(10);

    private static readonly string ClientVersion =
        typeof(UpstreamConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(UpstreamConnection).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    private readonly ITransport _transport;
    private readonly string _serverName;
    private readonly ILogger _logger;
    private readonly bool _abortSendOnCancel;
    private readonly ConcurrentDictionary<RequestId, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _incoming = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _closeLock = new();
    private Task? _transportDisposal;
    private Task _readLoop = Task.CompletedTask;
    private long _nextId;
    private volatile string? _closeReason;
    private int _disposed;

    private UpstreamConnection(ITransport transport, string serverName, ILogger logger, bool abortSendOnCancel)
    {
        _transport = transport;
        _serverName = serverName;
        _logger = logger;
        _abortSendOnCancel = abortSendOnCancel;
    }

    /// <summary>The upstream server's name, used in every error this connection raises.</summary>
    public string ServerName => _serverName;

    /// <summary>The upstream's initialize result (capabilities, serverInfo, instructions), for the catalog.</summary>
    public JsonObject InitializeResult { get; private set; } = new();

    /// <summary>The revision the upstream chose; the gateway may speak a different one downstream.</summary>
    public string NegotiatedProtocolVersion { get; private set; } = "";

    /// <summary>The connected transport (for diagnostics and tests).</summary>
    internal ITransport Transport => _transport;

    /// <summary>The transport's session id (Streamable HTTP); null for stdio and SSE.</summary>
    public string? SessionId => _transport.SessionId;

    /// <summary>Completes (never faults) when the connection has ended; <see cref="CloseReason"/> then says why.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Why the connection ended, or null while it is open.</summary>
    public string? CloseReason => _closeReason;

    /// <summary>
    /// Server-to-client notifications (tools/list_changed, progress, logging). Invoked on the read loop in
    /// arrival order, so handlers must be quick and must not block.
    /// </summary>
    public event Action<string, JsonNode?>? NotificationReceived;

    /// <summary>
    /// Answers server-to-client requests (sampling, elicitation, roots/list, ping). When null, ping is answered with
    /// <c>{}</c> and anything else with -32601. Throw <see cref="UpstreamErrorException"/> to answer with a specific
    /// JSON-RPC error; any other exception becomes -32603.
    /// </summary>
    public Func<string, JsonNode?, CancellationToken, Task<JsonNode?>>? ServerRequestHandler { get; set; }

    /// <summary>Connects the transport and performs the initialize handshake with empty client capabilities.</summary>
    public static Task<UpstreamConnection> ConnectAsync(
        IClientTransport transport, string serverName, string protocolVersion, ILogger logger, CancellationToken ct) =>
        ConnectAsync(transport, serverName, protocolVersion, capabilities: null, serverRequestHandler: null, logger, ct);

    /// <summary>
    /// Connects the transport and performs the initialize handshake. The handler is installed before initialize so
    /// that requests the upstream sends right after the handshake (e.g. roots/list) already reach it.
    /// </summary>
    public static async Task<UpstreamConnection> ConnectAsync(
        IClientTransport transport,
        string serverName,
        string protocolVersion,
        JsonObject? capabilities,
        Func<string, JsonNode?, CancellationToken, Task<JsonNode?>>? serverRequestHandler,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var connected = await transport.ConnectAsync(ct).ConfigureAwait(false);
        var connection = new UpstreamConnection(connected, serverName, logger,
            abortSendOnCancel: transport is not StdioClientTransport and not StdioUpstreamTransport)
        {
            ServerRequestHandler = serverRequestHandler,
        };
        if (connected is StdioUpstreamSession stdio)
        {
            stdio.OnOversizeMessage(connection.OnOversizeMessage);
        }

        connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        try
        {
            var result = await connection.RequestAsync(McpMethods.Initialize, InitializeHandshake.Params(protocolVersion, capabilities, ClientVersion),
                waitForSend: true, ct).ConfigureAwait(false);
            var (resultObject, negotiated) = InitializeHandshake.Outcome(result, serverName);
            connection.InitializeResult = resultObject;
            connection.NegotiatedProtocolVersion = negotiated;
            if (!McpProtocolVersions.IsSupported(negotiated))
            {
                UpstreamConnectionLog.LogUnknownProtocolVersion(logger, serverName, negotiated);
            }

            await connection.NotifyAsync(McpMethods.Initialized, null, ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends a request under a fresh upstream id and returns its <c>result</c>. Cancelling <paramref name="ct"/> sends
    /// notifications/cancelled upstream so the server can stop work nobody waits for.
    /// </summary>
    /// <exception cref="UpstreamErrorException">The upstream answered with a JSON-RPC error.</exception>
    /// <exception cref="UpstreamUnavailableException">The connection is closed or closed while waiting.</exception>
    public Task<JsonNode?> RequestAsync(string method, JsonNode? @params, CancellationToken ct) =>
        RequestAsync(method, @params, waitForSend: false, ct);

    /// <param name="waitForSend">
    /// Also wait until the transport's send has finished. Needed for initialize: the SDK's Streamable HTTP transport
    /// hands the reply over before it has stored the session id and protocol version from the same response, and a
    /// message sent in between would go out without them.
    /// </param>
    /// <summary>
    /// Streamable HTTP only: after initialize, requests are POSTed and answered on the calling task instead of going
    /// through the SDK transport's message queue.
    /// </summary>
    public StreamableHttpRequester? DirectRequests { get; set; }

    private async Task<JsonNode?> RequestAsync(string method, JsonNode? @params, bool waitForSend, CancellationToken ct)
    {
        if (DirectRequests is { } direct && method != McpMethods.Initialize)
        {
            return await DirectRequestAsync(direct, method, @params, ct).ConfigureAwait(false);
        }

        ThrowIfClosed();
        ct.ThrowIfCancellationRequested();

        var id = new RequestId(Interlocked.Increment(ref _nextId));
        var request = new JsonRpcRequest { Id = id, Method = method, Params = @params };

        // Serialized before anything is registered or sent: a message that cannot be written fails this call only.
        var payload = OutgoingMessages.Serialize(request, _serverName, method, @params);
        var reply = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = new PendingRequest(reply, method);
        if (_closeReason is not null)
        {
            // Closed between the check and the registration: the close may not have seen this entry.
            _pending.TryRemove(id, out _);
            ThrowIfClosed();
        }

        var sendAbort = _abortSendOnCancel ? CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token) : null;
        var send = SendRequestAsync(request, payload, reply, sendAbort);
        try
        {
            var result = await reply.Task.WaitAsync(ct).ConfigureAwait(false);
            if (waitForSend)
            {
                await send.WaitAsync(ct).ConfigureAwait(false);
            }

            return result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !reply.Task.IsCompleted)
        {
            _pending.TryRemove(id, out _);

            // Not waited for: the caller is done, and a stuck upstream (a full pipe) must not hold it.
            _ = NotifyCancelledAsync(id, method);

            // An HTTP POST waits for its reply; abort it so a cancelled request does not hold a connection open.
            // stdio sends are never aborted: a cancelled write could leave half a line on the pipe.
            try
            {
                sendAbort?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task<JsonNode?> DirectRequestAsync(StreamableHttpRequester direct, string method, JsonNode? @params, CancellationToken ct)
    {
        ThrowIfClosed();
        ct.ThrowIfCancellationRequested();
        var id = Interlocked.Increment(ref _nextId);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
        string reason;
        Exception? inner = null;
        try
        {
            var (outcome, reply, status) = await direct
                .SendAsync(id, method, @params, _transport.SessionId, NegotiatedProtocolVersion, DispatchDirect, linked.Token)
                .ConfigureAwait(false);
            if (outcome == StreamableHttpRequester.Outcome.Reply)
            {
                return ReplyResult(reply!);
            }

            reason = outcome == StreamableHttpRequester.Outcome.SessionLost
                ? "the upstream no longer knows the session (HTTP 404)"
                : status is >= 200 and < 300 ? $"the upstream answered {method} without a reply" : $"the upstream answered {method} with HTTP {status}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await NotifyCancelledAsync(new RequestId(id), method).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            throw Unavailable(_closeReason ?? "the connection was closed", null);
        }
        catch (StreamableHttpRequester.RequestNotWritableException ex)
        {
            // Nothing was sent: this call fails, the session is untouched.
            throw OutgoingMessages.Invalid(_serverName, method, @params, ex.InnerException ?? ex);
        }
        catch (StreamableHttpRequester.AnswerTooLargeException ex)
        {
            // Only this call fails: the answer's HTTP exchange is dropped, the session stays usable.
            throw new UpstreamUnavailableException(_serverName,
                $"upstream MCP server '{_serverName}' answered {method} with more than {ex.Limit} bytes " +
                "(the gateway's limit for one upstream MCP answer); the answer was dropped", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException)
        {
            reason = $"sending {method} failed: {UpstreamFailureText.Describe(ex)}";
            inner = ex;
        }

        // As with the SDK path: a failed exchange means the session cannot be trusted; the supervisor reconnects.
        Close(reason);
        throw Unavailable(reason, inner);
    }

    /// <summary>The result of a JSON-RPC response, or its error relayed as the upstream's (cut to size).</summary>
    private JsonNode? ReplyResult(JsonObject reply)
    {
        if (reply["error"] is JsonObject error)
        {
            var code = error["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : McpErrorCodes.InternalError;
            var data = error["data"];
            error.Remove("data");
            throw RelayedUpstreamError.Create(_serverName, code, JsonFields.Text(error["message"]) ?? "error without a message", data);
        }

        var result = reply["result"];
        reply.Remove("result");
        return result;
    }

    private void DispatchDirect(JsonObject message)
    {
        if (JsonSerializer.Deserialize<JsonRpcMessage>(message, McpJsonUtilities.DefaultOptions) is { } parsed)
        {
            Dispatch(parsed);
        }
    }

    /// <summary>Sends a notification (e.g. notifications/cancelled or roots/list_changed) upstream.</summary>
    public async ValueTask NotifyAsync(string method, JsonNode? @params, CancellationToken ct)
    {
        ThrowIfClosed();
        var notification = new JsonRpcNotification { Method = method, Params = @params };
        var payload = OutgoingMessages.Serialize(notification, _serverName, method, @params);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
        try
        {
            await SendAsync(notification, payload, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || _lifetime.IsCancellationRequested)
        {
            var reason = $"sending {method} failed: {UpstreamFailureText.Describe(ex)}";
            Close(reason);
            throw Unavailable(reason, ex);
        }
    }

    /// <summary>
    /// Ends the connection with a reason (e.g. a failed health check): pending requests fail and the transport is
    /// disposed, which also ends <see cref="Completion"/>.
    /// </summary>
    public void Abort(string reason) => Close(reason);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        Close("the connection was closed by the gateway");
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await (_transportDisposal ?? Task.CompletedTask).ConfigureAwait(false);
        try
        {
            await _readLoop.WaitAsync(TransportDisposeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            UpstreamConnectionLog.LogReadLoopDidNotEnd(_logger, _serverName);
        }

        _completion.TrySetResult();
        _lifetime.Dispose();
    }

    private async Task SendRequestAsync(JsonRpcRequest request, byte[] payload, TaskCompletionSource<JsonNode?> reply, CancellationTokenSource? sendAbort)
    {
        try
        {
            await SendAsync(request, payload, sendAbort?.Token ?? _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (sendAbort?.IsCancellationRequested == true || _lifetime.IsCancellationRequested)
        {
            // Cancelled by us (request cancelled or connection closing); the caller already has its outcome.
        }
        catch (Exception ex)
        {
            // The message was serialized already, so this is the transport failing (process gone, server unreachable,
            // session lost): it can no longer be trusted; fail everything so the supervisor reconnects.
            var reason = $"sending {request.Method} failed: {UpstreamFailureText.Describe(ex)}";
            reply.TrySetException(Unavailable(reason, ex));
            Close(reason);
        }
        finally
        {
            sendAbort?.Dispose();
        }
    }

    private async Task NotifyCancelledAsync(RequestId id, string method)
    {
        try
        {
            var @params = new JsonObject { ["requestId"] = JsonRpcIds.ToNode(id), ["reason"] = $"the gateway cancelled {method}" };
            var notification = new JsonRpcNotification { Method = McpMethods.Cancelled, Params = @params };
            await SendAsync(notification, OutgoingMessages.Serialize(notification, _serverName, McpMethods.Cancelled, @params), _lifetime.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            UpstreamConnectionLog.LogCancelNotSent(_logger, _serverName, id.ToString(), ex.Message);
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "the upstream closed the connection";
        try
        {
            var reader = _transport.MessageReader;
            while (await reader.WaitToReadAsync(_lifetime.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    Dispatch(message);
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            reason = "the connection was closed by the gateway";
        }
        catch (Exception ex)
        {
            reason = UpstreamFailureText.Describe(ex);
        }
        finally
        {
            Close(reason);
            _completion.TrySetResult();
        }
    }

    private void Dispatch(JsonRpcMessage message)
    {
        try
        {
            switch (message)
            {
                case JsonRpcResponse response:
                    if (_pending.TryRemove(response.Id, out var done))
                    {
                        done.Reply.TrySetResult(response.Result);
                    }
                    else
                    {
                        UpstreamConnectionLog.LogUnmatchedReply(_logger, _serverName, response.Id.ToString());
                    }

                    break;
                case JsonRpcError error:
                    if (_pending.TryRemove(error.Id, out var failed))
                    {
                        failed.Reply.TrySetException(RelayedUpstreamError.Create(_serverName, error.Error.Code, error.Error.Message, JsonRpcIds.ToNode(error.Error.Data)));
                    }
                    else
                    {
                        UpstreamConnectionLog.LogUnmatchedReply(_logger, _serverName, error.Id.ToString());
                    }

                    break;
                case JsonRpcRequest request:
                    _ = AnswerServerRequestAsync(request);
                    break;
                case JsonRpcNotification notification:
                    if (notification.Method == McpMethods.Cancelled
                        && notification.Params?["requestId"] is JsonValue cancelledId
                        && _incoming.TryGetValue(JsonRpcIds.ToRequestId(cancelledId), out var handlerCts))
                    {
                        handlerCts.Cancel();
                    }

                    NotificationReceived?.Invoke(notification.Method, notification.Params);
                    break;
            }
        }
        catch (Exception ex)
        {
            // One bad message or handler must not end the session for everyone else.
            UpstreamConnectionLog.LogDispatchFailed(_logger, _serverName, ex);
        }
    }

    private async Task AnswerServerRequestAsync(JsonRpcRequest request)
    {
        JsonRpcMessage? reply;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token))
        {
            _incoming[request.Id] = cts;
            try
            {
                reply = await ServerRequestAnswers.AnswerAsync(ServerRequestHandler, request, _serverName, _logger, cts.Token).ConfigureAwait(false);
            }
            finally
            {
                _incoming.TryRemove(request.Id, out _);
            }
        }

        if (reply is null)
        {
            return;
        }

        var payload = ServerRequestAnswers.Serialize(ref reply, request, _serverName, _logger);
        try
        {
            await SendAsync(reply, payload, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            UpstreamConnectionLog.LogServerRequestReplyNotSent(_logger, _serverName, request.Method, ex.Message);
        }
    }

    /// <summary>
    /// Sends an already serialized message: as those bytes where the transport takes them (stdio), else as the
    /// message, which the SDK transport serializes again (it is known to be writable by now).
    /// </summary>
    private Task SendAsync(JsonRpcMessage message, byte[] payload, CancellationToken ct) =>
        _transport is ISerializedMessageTransport serialized
            ? serialized.SendSerializedAsync(payload, ct)
            : _transport.SendMessageAsync(message, ct);

    /// <summary>
    /// A message the transport dropped for its size: the call it answers fails alone. One whose request cannot be
    /// told could be the answer any caller waits for, so the connection ends and the supervisor restarts the server.
    /// </summary>
    private void OnOversizeMessage(OversizeMessage message)
    {
        if (message.Id is { } id && _pending.TryRemove(id, out var pending))
        {
            UpstreamConnectionLog.LogOversizeAnswer(_logger, _serverName, pending.Method, message.Length, message.Limit);
            pending.Reply.TrySetException(new UpstreamUnavailableException(_serverName,
                $"upstream MCP server '{_serverName}' answered {pending.Method} with more than {message.Limit} bytes " +
                "(maxMessageBytes, the gateway's limit for one upstream MCP message); the answer was dropped"));
            return;
        }

        if (!message.IsObject || message.HasMethod || message.Id is not null)
        {
            // Not JSON-RPC at all, a request or notification of the server's own, or the answer to a call nobody waits
            // for any more.
            UpstreamConnectionLog.LogOversizeMessageDropped(_logger, _serverName, message.Length, message.Limit);
            return;
        }

        Close($"it sent a message of {message.Length} bytes, more than maxMessageBytes ({message.Limit}), " +
            "and which request it answers cannot be told");
    }

    private sealed record PendingRequest(TaskCompletionSource<JsonNode?> Reply, string Method);

    private void Close(string reason)
    {
        lock (_closeLock)
        {
            if (_closeReason is not null)
            {
                return;
            }

            _closeReason = reason;
            _transportDisposal = DisposeTransportAsync();
        }

        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Reply.TrySetException(Unavailable(reason, null));
            }
        }

        foreach (var incoming in _incoming.Values)
        {
            try
            {
                incoming.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private async Task DisposeTransportAsync()
    {
        await Task.Yield();
        try
        {
            // Disposing completes the transport's reader (the read loop then ends) and, for stdio, kills the
            // process tree. Bounded: an unreachable HTTP server must not hold the supervisor.
            await _transport.DisposeAsync().AsTask().WaitAsync(TransportDisposeTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            UpstreamConnectionLog.LogTransportDisposeFailed(_logger, _serverName, ex.Message);
        }
    }

    private void ThrowIfClosed()
    {
        if (_closeReason is { } reason)
        {
            throw Unavailable(reason, null);
        }
    }

    private UpstreamUnavailableException Unavailable(string reason, Exception? inner) =>
        new(_serverName, $"upstream MCP server '{_serverName}' is unavailable: {reason}", inner);
}
