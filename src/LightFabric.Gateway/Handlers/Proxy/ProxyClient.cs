using System.Net;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// The pooled HTTP client of one proxy handler instance (one config generation). A reload retires it, but requests
/// that started on it keep streaming; the connections close when the last of them ends.
/// </summary>
internal sealed class ProxyClient
{
    private readonly HttpClient _client;

    // One count for the handler itself until it is retired, plus one per request in flight.
    private int _users = 1;
    private int _retired;

    public ProxyClient(ProxySettings settings)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            // A reverse proxy passes requests on as they are: no redirects followed, no cookies kept, no bodies
            // decompressed, and no environment proxy in the way of a configured backend.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            MaxConnectionsPerServer = settings.MaxConnectionsPerTarget,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),

            // Picks up DNS changes of a backend name.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // maxRequestTime is enforced per request by the handler.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The client, counted as in use until <see cref="Release"/>; false once retired and drained.</summary>
    public bool TryAcquire(out HttpClient client)
    {
        while (true)
        {
            var users = Volatile.Read(ref _users);
            if (users == 0)
            {
                client = null!;
                return false;
            }

            if (Interlocked.CompareExchange(ref _users, users + 1, users) == users)
            {
                client = _client;
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            _client.Dispose();
        }
    }

    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }
}
