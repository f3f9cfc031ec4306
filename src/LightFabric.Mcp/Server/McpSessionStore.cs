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
/// sessions expire; expiry and removal close everything the session opened.
/// </summary>
public sealed class McpSessionStore : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();
    private readonly ILogger _logger;
    private readonly Timer _purgeTimer;
    private volatile SessionLimits _limits = new(10_000, 100, TimeSpan.FromMinutes(30));

    public McpSessionStore(ILogger logger)
    {
        _logger = logger;
        _purgeTimer = new Timer(_ => PurgeExpired(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
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
        lock (_createLock)
        {
            if (_sessions.Count >= limits.MaxSessions || _perClient.GetValueOrDefault(clientKey) >= limits.MaxSessionsPerClient)
            {
                PurgeExpiredLocked();
            }

            if (_sessions.Count >= limits.MaxSessions)
            {
                return SessionCreateResult.StoreFull;
            }

            if (_perClient.GetValueOrDefault(clientKey) >= limits.MaxSessionsPerClient)
            {
                return SessionCreateResult.ClientLimit;
            }

            session = new McpSession(NewId(), protocolVersion, clientInfo, capabilities, binding, clientKey);
            _sessions[session.Id] = session;
            _perClient[clientKey] = _perClient.GetValueOrDefault(clientKey) + 1;
            return SessionCreateResult.Created;
        }
    }

    /// <summary>The live session with this id; an expired one is removed and not returned.</summary>
    public bool TryGet(string id, out McpSession session)
    {
        if (!_sessions.TryGetValue(id, out session!))
        {
            return false;
        }

        if (session.IdleFor(Environment.TickCount64) > _limits.IdleTimeout && !session.HasStream)
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
            if (!_sessions.TryRemove(id, out session))
            {
                return false;
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
        }

        _logger.LogDebug("MCP session {SessionId} ended: {Reason}", id, reason);
        await session.CloseAsync().ConfigureAwait(false);
        return true;
    }

    public IEnumerable<McpSession> Sessions => _sessions.Values;

    public void PurgeExpired()
    {
        lock (_createLock)
        {
            PurgeExpiredLocked();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _purgeTimer.DisposeAsync().ConfigureAwait(false);
        foreach (var id in _sessions.Keys.ToArray())
        {
            await RemoveAsync(id, "gateway stopping").ConfigureAwait(false);
        }
    }

    private void PurgeExpiredLocked()
    {
        var now = Environment.TickCount64;
        var idle = _limits.IdleTimeout;
        foreach (var session in _sessions.Values)
        {
            if (session.IdleFor(now) > idle && !session.HasStream)
            {
                // RemoveAsync takes the same (reentrant) lock; closing runs in the background.
                _ = RemoveAsync(session.Id, "expired");
            }
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
