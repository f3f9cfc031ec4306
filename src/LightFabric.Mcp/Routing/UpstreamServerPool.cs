using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The running upstream servers of the process, shared by router generations: a reload that keeps a
/// server's settings keeps its connection (and child process); a server no generation uses any more is
/// stopped.
/// </summary>
public sealed class UpstreamServerPool(ILoggerFactory loggerFactory, HttpClient httpClient) : IAsyncDisposable
{
    private readonly Dictionary<string, Entry> _byFingerprint = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>The running server for these settings, started on first use. Release it when done.</summary>
    public UpstreamServer Acquire(UpstreamServerSettings settings)
    {
        var fingerprint = settings.Fingerprint;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_byFingerprint.TryGetValue(fingerprint, out var entry))
            {
                var server = new UpstreamServer(settings, loggerFactory, settings.Transport == UpstreamTransportKind.Stdio ? null : httpClient);
                entry = new Entry(server);
                _byFingerprint[fingerprint] = entry;
                server.Start();
            }

            entry.References++;
            return entry.Server;
        }
    }

    public async ValueTask ReleaseAsync(UpstreamServer server)
    {
        var fingerprint = server.Settings.Fingerprint;
        lock (_lock)
        {
            if (!_byFingerprint.TryGetValue(fingerprint, out var entry) || !ReferenceEquals(entry.Server, server))
            {
                return;
            }

            if (--entry.References > 0)
            {
                return;
            }

            _byFingerprint.Remove(fingerprint);
        }

        await server.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        UpstreamServer[] servers;
        lock (_lock)
        {
            _disposed = true;
            servers = _byFingerprint.Values.Select(e => e.Server).ToArray();
            _byFingerprint.Clear();
        }

        await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private sealed class Entry(UpstreamServer server)
    {
        public UpstreamServer Server { get; } = server;

        public int References { get; set; }
    }
}
