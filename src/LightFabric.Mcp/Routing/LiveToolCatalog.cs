using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The merged tool catalog of one router generation: configured tools and upstream servers' tools, built when the
/// generation activates and rebuilt when an upstream's tool list changes; each change is announced to every session
/// and listen stream.
/// </summary>
internal sealed class LiveToolCatalog(McpRouterSettings settings, GenerationServers servers, McpRouterHost host, ILogger logger)
{
    private static readonly byte[] ListChangedNotification = JsonRpcWriter.Notification(McpMethods.ToolsListChanged, null);

    private readonly Lock _lock = new();
    private volatile ToolCatalog _current = ToolCatalog.Empty;
    private bool _active;

    public ToolCatalog Current => _current;

    /// <summary>
    /// Builds and publishes the first catalog and starts following changes. Throws <see cref="McpConfigurationException"/>
    /// when tool names collide beyond what the prefix mode resolves.
    /// </summary>
    public ToolCatalog Activate()
    {
        lock (_lock)
        {
            // Built and published under the lock OnToolsChanged takes: a change it saw before this (not yet active)
            // is already in the servers' tool lists read here.
            var collisions = new List<string>();
            var catalog = Build(collisions);
            if (collisions.Count > 0)
            {
                throw new McpConfigurationException(collisions);
            }

            _current = catalog;
            _active = true;
            return catalog;
        }
    }

    public void Deactivate()
    {
        lock (_lock)
        {
            _active = false;
        }
    }

    /// <summary>Subscribed to every server before <see cref="Activate"/>, so a tool list that changes meanwhile is not missed.</summary>
    public void OnToolsChanged(UpstreamServer server)
    {
        lock (_lock)
        {
            // Not yet active means the first build has not run and will read this change (the server updates its
            // tools before raising the event); or the generation has retired.
            if (!_active)
            {
                return;
            }

            var collisions = new List<string>();
            var catalog = Build(collisions);
            foreach (var collision in collisions)
            {
                logger.LogError("Tool list of upstream {Server} changed: {Collision}; the later tool is not published", server.Name, collision);
            }

            if (catalog.Fingerprint == _current.Fingerprint)
            {
                return;
            }

            _current = catalog;
            logger.LogInformation("Tool catalog changed ({Server}): {Tools} tools", server.Name, catalog.Tools.Count);
        }

        AnnounceChange();
    }

    /// <summary>notifications/tools/list_changed to every session and listen stream (a reload can change what they see).</summary>
    public void AnnounceChange()
    {
        host.Listeners.Publish(McpMethods.ToolsListChanged, null);
        foreach (var session in host.Sessions.Sessions)
        {
            session.Send(ListChangedNotification);
        }
    }

    private ToolCatalog Build(List<string> collisions)
    {
        var sources = new List<UpstreamToolSource>();
        foreach (var entry in settings.Servers)
        {
            if (servers.TryGet(entry.Settings.Name, out var server))
            {
                sources.Add(new UpstreamToolSource(entry, server.Tools));
            }
        }

        return ToolCatalogBuilder.Build(settings.Tools, sources.ToArray(), settings.PrefixMode, collisions);
    }
}
