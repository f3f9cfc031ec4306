using LightFabric.Gateway.Handlers.Proxy;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>proxy.yml: the embedded defaults and every problem reported with its key.</summary>
public sealed class ProxyConfigTests
{
    [Fact]
    public async Task The_embedded_proxy_yml_gives_the_seed_defaults()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "handler.defaultHandlers: [proxy]\n");

        var model = await GatewayTestHost.BuildAsync(dir);
        var settings = Assert.IsType<ProxyHandler>(model.ActiveHandlers["proxy"]).Settings;

        Assert.True(settings.Enabled);
        Assert.Equal(["http://localhost:8080"], settings.Targets.Select(t => t.Name));
        Assert.Equal(TimeSpan.FromSeconds(1), settings.MaxRequestTime);
        Assert.Equal(3, settings.MaxConnectionRetries);
        Assert.True(settings.RewriteHostHeader);
        Assert.False(settings.ReuseXForwarded);
        Assert.False(settings.Http2);
        Assert.False(settings.ForwardJwtClaims);
        Assert.Equal(20 * Environment.ProcessorCount, settings.MaxConnectionsPerTarget);
    }

    [Fact]
    public async Task Bad_hosts_unknown_keys_and_bad_limits_are_reported_with_their_keys()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "handler.defaultHandlers: [proxy]\n");
        dir.WriteConfig("proxy.yml", """
            hosts: ["ftp://files.example.com", "", "backend:8080", "http://user:pw@backend", "http://backend/api?x=1", "https://ok.example.com"]
            maxConnectionRetries: -1
            connectionsPerThread: 0
            maxRetries: 2
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);
        var problems = error.Problems.ToDictionary(p => p.Key!, p => p.Message);

        Assert.Contains("not an http:// or https:// URL", problems["hosts[0]"]);
        Assert.Contains("is empty", problems["hosts[1]"]);
        Assert.Contains("not an http:// or https:// URL", problems["hosts[2]"]);
        Assert.Contains("credentials", problems["hosts[3]"]);
        Assert.DoesNotContain("pw", problems["hosts[3]"]);
        Assert.Contains("query", problems["hosts[4]"]);
        Assert.False(problems.ContainsKey("hosts[5]"));
        Assert.Contains("0 or more", problems["maxConnectionRetries"]);
        Assert.Contains("1 or more", problems["connectionsPerThread"]);
        Assert.Contains("unknown key", problems["maxRetries"]);
        Assert.Contains("maxConnectionRetries", problems["maxRetries"]);
        Assert.All(error.Problems, p => Assert.EndsWith("proxy.yml", p.File));
    }

    [Fact]
    public async Task No_hosts_and_values_of_the_wrong_type_are_reported_together_with_bad_hosts()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.defaultHandlers: [proxy]
            proxy.hosts: ""
            """);

        var noHosts = await GatewayTestHost.BuildFailsAsync(dir);
        Assert.Contains(noHosts.Problems, p => p.Key == "proxy.hosts" && p.UsedBy == "proxy.yml" && p.Message.Contains("at least one"));

        dir.WriteConfig("values.yml", """
            handler.defaultHandlers: [proxy]
            proxy.hosts: http://backend:8080, ftp://backend
            proxy.maxRequestTime: soon
            """);
        var wrongType = await GatewayTestHost.BuildFailsAsync(dir);
        Assert.Contains(wrongType.Problems, p => p.Key == "proxy.maxRequestTime" && p.Message.Contains("whole number"));

        // A wrong value elsewhere does not hide a bad host.
        Assert.Contains(wrongType.Problems, p => p.Key == "proxy.hosts[1]" && p.Message.Contains("ftp://backend"));
    }

    [Fact]
    public void The_embedded_file_has_exactly_the_known_keys()
    {
        using var stream = typeof(ProxyHandler).Assembly.GetManifestResourceStream("config/proxy.yml")!;
        var keys = new StreamReader(stream).ReadToEnd().Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l[..l.IndexOf(':')])
            .ToArray();

        Assert.Equal(ProxyConfig.Keys, keys);
    }
}
