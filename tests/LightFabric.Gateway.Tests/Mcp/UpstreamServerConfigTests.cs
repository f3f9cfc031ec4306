using System.Text.Json.Nodes;
using LightFabric.Gateway.Handlers.Mcp.Config;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>The per-server keys of mcp-router.yml that bound and watch an upstream.</summary>
public sealed class UpstreamServerConfigTests
{
    private static (UpstreamServerSettings? Settings, List<string> Problems) Read(string server)
    {
        var problems = new List<string>();
        var values = new JsonObject { ["servers"] = new JsonArray(JsonNode.Parse(server)) };
        var settings = new McpRouterConfigReader((key, message) => problems.Add($"{key}: {message}")).Read(values);
        return (settings.Servers.FirstOrDefault()?.Settings, problems);
    }

    [Fact]
    public void MaxMessageBytes_bounds_stdio_and_http_messages_with_a_16_MiB_default()
    {
        var (defaults, none) = Read("""{"name":"a","transport":"stdio","command":["node"]}""");
        Assert.Empty(none);
        Assert.Equal(16 * 1024 * 1024, defaults!.MaxMessageBytes);

        var (set, _) = Read("""{"name":"a","transport":"http","url":"http://127.0.0.1:1/mcp","maxMessageBytes":65536}""");
        Assert.Equal(65536, set!.MaxMessageBytes);

        var (_, problems) = Read("""{"name":"a","transport":"stdio","command":["node"],"maxMessageBytes":10}""");
        Assert.Contains("servers[0].maxMessageBytes: 10 is below the minimum 1024", problems);
    }

    [Fact]
    public void Health_checks_have_an_interval_a_ping_timeout_and_a_miss_count()
    {
        var (defaults, _) = Read("""{"name":"a","transport":"stdio","command":["node"]}""");
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), 3),
            (defaults!.HealthCheckInterval, defaults.HealthCheckTimeout, defaults.HealthCheckMisses));

        var (set, none) = Read("""{"name":"a","transport":"stdio","command":["node"],"healthCheckIntervalMs":10000,"healthCheckTimeoutMs":2000,"healthCheckMisses":2}""");
        Assert.Empty(none);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 2), (set!.HealthCheckInterval, set.HealthCheckTimeout, set.HealthCheckMisses));

        var (_, problems) = Read("""{"name":"a","transport":"stdio","command":["node"],"healthCheckMisses":0}""");
        Assert.Contains("servers[0].healthCheckMisses: 0 is below the minimum 1", problems);
    }
}
