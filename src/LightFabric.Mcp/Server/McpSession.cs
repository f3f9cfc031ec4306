using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace LightFabric.Mcp.Server;

/// <summary>
/// One client session of the gateway's /mcp: what initialize negotiated, who owns it, the requests in
/// flight (so notifications/cancelled can reach them), the queue of server→client messages for its GET
/// stream, and resources to close when it ends (backend MCP sessions). It is idle only while no request is in flight
/// and its GET stream is closed; the idle clock starts when the last of them ends.
/// </summary>
public sealed class McpSession
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<IAsyncDisposable>>> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _clientRequests = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = new();
    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly TimeProvider _time;
    private long _lastSeen;
    private int _inFlightCount;
    private int _streamOpen;

    public McpSession(string id, string protocolVersion, JsonObject? clientInfo, JsonObject? clientCapabilities, string binding, string clientKey,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Id = id;
        ProtocolVersion = protocolVersion;
        ClientInfo = clientInfo;
        ClientCapabilities = clientCapabilities;
        Binding = binding;
        ClientKey = clientKey;
        CreatedAt = _time.GetUtcNow();
        Touch();
    }

    public string Id { get; }

    public string ProtocolVersion { get; private set; }

    public JsonObject? ClientInfo { get; private set; }

    public JsonObject? ClientCapabilities { get; private set; }

    /// <summary>
    /// Records what initialize negotiated for a session opened before it (the legacy HTTP+SSE transport opens
    /// the session with its event stream).
    /// </summary>
    public void Initialize(string protocolVersion, JsonObject? clientInfo, JsonObject? clientCapabilities)
    {
        ProtocolVersion = protocolVersion;
        ClientInfo = clientInfo;
        ClientCapabilities = clientCapabilities;
    }

    public string Binding { get; }

    public string ClientKey { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Cancelled when the session ends (DELETE, expiry, shutdown).</summary>
    public CancellationToken Closed => _closed.Token;

    public bool IsClosed => _closed.IsCancellationRequested;

    public void Touch() => Volatile.Write(ref _lastSeen, _time.GetTimestamp());

    /// <summary>How long the session has been idle at <paramref name="nowTimestamp"/> (of its TimeProvider); zero while a request runs.</summary>
    public TimeSpan IdleFor(long nowTimestamp) =>
        Volatile.Read(ref _inFlightCount) > 0 ? TimeSpan.Zero : _time.GetElapsedTime(Volatile.Read(ref _lastSeen), nowTimestamp);

    /// <summary>Registers a request so a later notifications/cancelled (or the session's end) cancels it.</summary>
    public CancellationTokenSource BeginRequest(string requestKey, CancellationToken requestAborted)
    {
        Interlocked.Increment(ref _inFlightCount);
        Touch();
        var cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closed.Token);
        _inFlight[requestKey] = cts;
        return cts;
    }

    public void EndRequest(string requestKey, CancellationTokenSource cts)
    {
        _inFlight.TryRemove(new KeyValuePair<string, CancellationTokenSource>(requestKey, cts));
        cts.Dispose();

        // Touched before the count drops, so the idle clock never sees an ended request with the start time.
        Touch();
        Interlocked.Decrement(ref _inFlightCount);
    }

    public bool CancelRequest(string requestKey)
    {
        if (_inFlight.TryGetValue(requestKey, out var cts))
        {
            try
            {
                cts.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Waits for the client's answer to a request the gateway sent it (sampling, elicitation, roots); the answer
    /// arrives as a POSTed JSON-RPC response carrying <paramref name="idKey"/> (the id as JSON text).
    /// </summary>
    public async Task<JsonObject> AwaitClientResponseAsync(string idKey, Func<Task> send, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _clientRequests[idKey] = answer;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            await send().ConfigureAwait(false);
            return await answer.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _clientRequests.TryRemove(idKey, out _);
        }
    }

    /// <summary>Hands a client's response to the request waiting for it; false when none waits.</summary>
    public bool CompleteClientRequest(string idKey, JsonObject response) =>
        _clientRequests.TryRemove(idKey, out var answer) && answer.TrySetResult(response);

    /// <summary>Queues a server→client message for the GET stream (oldest dropped when the client does not read).</summary>
    public void Send(byte[] message)
    {
        if (Volatile.Read(ref _streamOpen) == 1)
        {
            _outbound.Writer.TryWrite(message);
        }
    }

    public ChannelReader<byte[]> Outbound => _outbound.Reader;

    /// <summary>Only one GET stream per session, so each message is delivered once.</summary>
    public bool TryOpenStream() => Interlocked.CompareExchange(ref _streamOpen, 1, 0) == 0;

    public void CloseStream()
    {
        // The idle clock starts when the stream closes, not when it opened.
        Touch();
        Volatile.Write(ref _streamOpen, 0);
        while (_outbound.Reader.TryRead(out _))
        {
        }
    }

    public bool HasStream => Volatile.Read(ref _streamOpen) == 1;

    /// <summary>A per-session resource (e.g. a backend MCP session), created once on first use.</summary>
    public async Task<T> GetOrCreateResourceAsync<T>(string key, Func<Task<T>> create)
        where T : class, IAsyncDisposable
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var lazy = _resources.GetOrAdd(key, _ => new Lazy<Task<IAsyncDisposable>>(async () => await create().ConfigureAwait(false)));
        try
        {
            return (T)await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed creation is not cached: the next call tries again.
            _resources.TryRemove(new KeyValuePair<string, Lazy<Task<IAsyncDisposable>>>(key, lazy));
            throw;
        }
    }

    /// <summary>Drops a resource that stopped working, so the next use creates a new one.</summary>
    public async ValueTask DiscardResourceAsync(string key)
    {
        if (_resources.TryRemove(key, out var lazy))
        {
            await DisposeQuietly(lazy).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the session: in-flight requests are cancelled, the stream ends, resources are closed.</summary>
    public async Task CloseAsync()
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _outbound.Writer.TryComplete();
        foreach (var key in _resources.Keys.ToArray())
        {
            if (_resources.TryRemove(key, out var lazy))
            {
                await DisposeQuietly(lazy).ConfigureAwait(false);
            }
        }
    }

    private static async Task DisposeQuietly(Lazy<Task<IAsyncDisposable>> lazy)
    {
        try
        {
            var resource = await lazy.Value.ConfigureAwait(false);
            await resource.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing is best effort: the backend may already be gone.
        }
    }
}
