using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Server;

public enum SessionCreateResult
{
    Created,

    /// <summary>maxSessions reached even after purging expired sessions (HTTP 503).</summary>
    StoreFull,

    /// <summary>The client already holds maxSessionsPerClient sessions (HTTP 429).</summary>
    ClientLimit,
}

/// <summary>
/// The gateway's MCP sessions, held in memory. Lives as long as the process: reloads keep sessions. Idle
/// sessions (no request in flight, no open GET stream, for the idle timeout) expire; expiry and removal close
/// everything the session opened.
/// </summary>
public sealed class McpSessionStore : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer _purgeTimer;
    private volatile SessionLimits _limits = new(10_000, 100, TimeSpan.FromMinutes(30));

    public McpSessionStore(ILogger logger, TimeProvider? time = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _purgeTimer = _time.CreateTimer(_ => PurgeExpired(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    public sealed record SessionLimits(int MaxSessions, int MaxSessionsPerClient, TimeSpan IdleTimeout);

    /// <summary>Applies limits from the current configuration; existing sessions stay.</summary>
    public void Configure(SessionLimits limits) => _limits = limits;

    public SessionLimits Limits => _limits;

    public int Count => _sessions.Count;

    public SessionCreateResult TryCreate(
        string protocolVersion, JsonObject? clientInfo, JsonObject? capabilities, string binding, string clientKey, out McpSession? session)
    {
        session = null;
        var limits = _limits;
        List<McpSession>? expired = null;
        try
        {
            lock (_createLock)
            {
                if (_sessions.Count >= limits.MaxSessions || _perClient.GetValueOrDefault(clientKey) >= limits.MaxSessionsPerClient)
                {
                    expired = DetachExpiredLocked();
                }

                if (_sessions.Count >= limits.MaxSessions)
                {
                    return SessionCreateResult.StoreFull;
                }

                if (_perClient.GetValueOrDefault(clientKey) >= limits.MaxSessionsPerClient)
                {
                    return SessionCreateResult.ClientLimit;
                }

                session = new McpSession(NewId(), protocolVersion, clientInfo, capabilities, binding, clientKey, _time);
                _sessions[session.Id] = session;
                _perClient[clientKey] = _perClient.GetValueOrDefault(clientKey) + 1;
                return SessionCreateResult.Created;
            }
        }
        finally
        {
            CloseExpired(expired);
        }
    }

    /// <summary>The live session with this id; an expired one is removed and not returned.</summary>
    public bool TryGet(string id, out McpSession session)
    {
        if (!_sessions.TryGetValue(id, out session!))
        {
            return false;
        }

        if (session.IdleFor(_time.GetTimestamp()) > _limits.IdleTimeout && !session.HasStream)
        {
            _ = RemoveAsync(id, "expired");
            return false;
        }

        return true;
    }

    public async Task<bool> RemoveAsync(string id, string reason)
    {
        McpSession? session;
        lock (_createLock)
        {
            session = DetachLocked(id);
        }

        if (session is null)
        {
            return false;
        }

        _logger.LogDebug("MCP session {SessionId} ended: {Reason}", id, reason);
        await session.CloseAsync().ConfigureAwait(false);
        return true;
    }

    public IEnumerable<McpSession> Sessions => _sessions.Values;

    public void PurgeExpired()
    {
        List<McpSession>? expired;
        lock (_createLock)
        {
            expired = DetachExpiredLocked();
        }

        CloseExpired(expired);
    }

    public async ValueTask DisposeAsync()
    {
        await _purgeTimer.DisposeAsync().ConfigureAwait(false);
        foreach (var id in _sessions.Keys.ToArray())
        {
            await RemoveAsync(id, "gateway stopping").ConfigureAwait(false);
        }
    }

    /// <summary>Takes the session out of the store and its client's count; the caller closes it outside the lock.</summary>
    private McpSession? DetachLocked(string id)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            return null;
        }

        var left = _perClient.GetValueOrDefault(session.ClientKey) - 1;
        if (left <= 0)
        {
            _perClient.Remove(session.ClientKey);
        }
        else
        {
            _perClient[session.ClientKey] = left;
        }

        return session;
    }

    /// <summary>
    /// Takes expired sessions out of the store (so their places are free at once) without closing them: closing
    /// cancels their requests and disposes what they opened, which must not run while initialize waits for the lock.
    /// </summary>
    private List<McpSession>? DetachExpiredLocked()
    {
        var now = _time.GetTimestamp();
        var idle = _limits.IdleTimeout;
        List<McpSession>? expired = null;
        foreach (var session in _sessions.Values)
        {
            if (session.IdleFor(now) > idle && !session.HasStream && DetachLocked(session.Id) is { } detached)
            {
                (expired ??= []).Add(detached);
            }
        }

        return expired;
    }

    /// <summary>Closes sessions taken out by <see cref="DetachExpiredLocked"/>, in the background; called after the lock is released.</summary>
    private void CloseExpired(List<McpSession>? expired)
    {
        if (expired is null)
        {
            return;
        }

        foreach (var session in expired)
        {
            _logger.LogDebug("MCP session {SessionId} ended: {Reason}", session.Id, "expired");
            _ = CloseQuietlyAsync(session);
        }
    }

    private async Task CloseQuietlyAsync(McpSession session)
    {
        try
        {
            await Task.Yield();
            await session.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Closing expired MCP session {SessionId} failed", session.Id);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
