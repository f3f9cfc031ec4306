using System.Collections.Concurrent;
using LightFabric.Governance.Audit;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Audit;

/// <summary>
/// The audit writers of one gateway process, one per pair of files: a hash chain has one writer, so every config
/// generation that names the same files shares it and a reload never starts a second chain on them. Options a writer
/// was opened with (durability, flush interval, capacity) stay until the gateway restarts; a reload that changes them
/// is told so. Flushed and closed when the gateway stops.
/// </summary>
public sealed class AuditWriters(ILoggerFactory loggerFactory, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string?, string?), Lazy<AuditWriter>> _open = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = loggerFactory.CreateLogger("LightFabric.Gateway.Audit");

    public AuditWriter Open(AuditWriterOptions options)
    {
        var writer = _open.GetOrAdd((options.JsonlDirectory, options.SqlitePath),
            _ => new Lazy<AuditWriter>(() => new AuditWriter(options, _time, _logger))).Value;
        if (writer.Options != options)
        {
            _logger.LogWarning("audit.yml durability, flushIntervalMs, capacity or strictTimeoutMs changed; the audit writer keeps the values it started with until the gateway restarts");
        }

        return writer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _open.Values.Where(w => w.IsValueCreated))
        {
            await writer.Value.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }
}
