using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The upstream servers one router generation uses, by name, in configuration order: borrowed from the process-wide
/// pool when the generation activates, given back when it retires.
/// </summary>
internal sealed class GenerationServers(McpRouterSettings settings)
{
    private readonly Dictionary<string, UpstreamServer> _byName = new(StringComparer.Ordinal);

    /// <summary>This generation's servers as configured, published once acquired (read by readiness at any time).</summary>
    private volatile IReadOnlyList<(UpstreamServerEntry Entry, UpstreamServer Server)> _acquired = [];

    public IReadOnlyList<(UpstreamServerEntry Entry, UpstreamServer Server)> Acquired => _acquired;

    public IEnumerable<UpstreamServer> All => _byName.Values;

    public int Count => _byName.Count;

    public IReadOnlyList<(UpstreamServerEntry Entry, UpstreamServer Server)> Acquire(UpstreamServerPool pool)
    {
        var acquired = new List<(UpstreamServerEntry, UpstreamServer)>();
        foreach (var entry in settings.Servers)
        {
            var server = pool.Acquire(entry.Settings);
            _byName[entry.Settings.Name] = server;
            acquired.Add((entry, server));
        }

        _acquired = acquired;
        return acquired;
    }

    /// <summary>Gives every server back to the pool (stopped when no generation uses it).</summary>
    public async ValueTask ReleaseAsync(UpstreamServerPool pool, Action<UpstreamServer> detach)
    {
        _acquired = [];
        foreach (var server in _byName.Values)
        {
            detach(server);
            await pool.ReleaseAsync(server).ConfigureAwait(false);
        }

        _byName.Clear();
    }

    public bool TryGet(string name, out UpstreamServer server) => _byName.TryGetValue(name, out server!);

    /// <summary>The configured prefix of a server's tools and prompts.</summary>
    public string PrefixOf(string name) => settings.Servers.First(e => e.Settings.Name == name).Prefix;

    /// <summary>The servers that are up and declared <paramref name="capability"/> in their initialize result, in configuration order.</summary>
    public IEnumerable<UpstreamServer> With(string capability) =>
        settings.Servers.Select(e => _byName.GetValueOrDefault(e.Settings.Name)).OfType<UpstreamServer>()
            .Where(s => s.State.Status == UpstreamStatus.Up && Capability(s, capability) is not null);

    public static JsonObject? Capability(UpstreamServer server, string name) => server.InitializeResult?["capabilities"]?[name] as JsonObject;

    /// <summary>What this gateway offers: tools always, the rest when at least one upstream does.</summary>
    public JsonObject Capabilities()
    {
        var capabilities = new JsonObject { ["tools"] = new JsonObject { ["listChanged"] = true } };
        if (With("resources").Any())
        {
            var subscribe = With("resources").Any(s => Capability(s, "resources")?["subscribe"] is JsonValue v && v.TryGetValue<bool>(out var b) && b);
            capabilities["resources"] = new JsonObject { ["subscribe"] = subscribe, ["listChanged"] = true };
        }

        if (With("prompts").Any())
        {
            capabilities["prompts"] = new JsonObject { ["listChanged"] = true };
        }

        if (With("completions").Any())
        {
            capabilities["completions"] = new JsonObject();
        }

        if (With("logging").Any())
        {
            capabilities["logging"] = new JsonObject();
        }

        return capabilities;
    }
}
