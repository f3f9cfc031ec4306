namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>
/// The two ways servers are written, mapped onto one sequence: the <c>servers:</c> list and SatGate's
/// <c>upstreams:</c> map, whose keys name the servers. Each entry keeps the key it was written at, for problems.
/// </summary>
public static class McpServerEntries
{
    public static IEnumerable<(string Key, McpServerConfig Server, string? ImpliedName)> Of(McpRouterConfig config)
    {
        for (var i = 0; i < config.Servers.Count; i++)
        {
            if (config.Servers[i] is { } server)
            {
                yield return ($"servers[{i}]", server, null);
            }
        }

        foreach (var (name, server) in config.Upstreams)
        {
            if (server is not null)
            {
                yield return ($"upstreams.{name}", server, name);
            }
        }
    }
}
