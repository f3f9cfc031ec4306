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
    public McpRouterHost(ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        LoggerFactory = loggerFactory;
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
        Sessions = new McpSessionStore(loggerFactory.CreateLogger("LightFabric.Mcp.Sessions"), time);
        Upstreams = new UpstreamServerPool(loggerFactory, HttpClient);
    }

    public ILoggerFactory LoggerFactory { get; }

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
