using System.Net;
using LightFabric.Mcp.Server;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// What outlives a configuration reload: client sessions, running upstream servers and the pooled HTTP
/// client. One per process; each router generation borrows from it.
/// </summary>
public sealed class McpRouterHost : IAsyncDisposable
{
    /// <param name="timeProvider">The clock of upstream startup waits and session expiry; the system clock when null.</param>
    public McpRouterHost(ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider ?? TimeProvider.System;
        HttpClient = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = 1024,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Sessions = new McpSessionStore(loggerFactory.CreateLogger("LightFabric.Mcp.Sessions"), TimeProvider);
        Upstreams = new UpstreamServerPool(loggerFactory, HttpClient);
    }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider TimeProvider { get; }

    public HttpClient HttpClient { get; }

    public McpSessionStore Sessions { get; }

    public UpstreamServerPool Upstreams { get; }

    /// <summary>subscriptions/listen streams of 2026-07-28 clients.</summary>
    public ListenStreams Listeners { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Sessions.DisposeAsync().ConfigureAwait(false);
        await Upstreams.DisposeAsync().ConfigureAwait(false);
        HttpClient.Dispose();
    }
}
