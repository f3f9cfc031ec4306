using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class ValuesKeyCheckTests
{
    private static IReadOnlyList<ConfigProblem> Check(TempConfigRoot root)
    {
        var embedded = new InMemoryEmbeddedConfig(new Dictionary<string, string>
        {
            ["mcp-router.yml"] = "servers: ${mcp-router.servers:[]}\nschemaValidation:\n  maxSteps: ${mcp-router.schemaValidation.maxSteps:10}\n",
            ["startup.yml"] = "serviceId: ${server.serviceId:x}\n",
            ["server.yml"] = "httpPort: ${server.httpPort:8080}\n",
        });
        var sources = new ConfigSourceSet(embedded, root.Directories);
        return ValuesKeyCheck.Find(sources, sources.LoadValues());
    }

    [Fact]
    public void A_values_key_no_placeholder_uses_is_reported_with_its_file_and_the_nearest_key()
    {
        using var root = new TempConfigRoot();
        var values = root.Write(ConfigLayer.Local, "values.yml", """
            mcp-router.server: [{name: a}]
            mcp-router.servers: []
            server.serviceId: com.example
            server.httpPort: 1
            light-config-server-uri: https://config
            unrelated.key: 1
            """);

        var problem = Assert.Single(Check(root));

        Assert.Equal(values, problem.File);
        Assert.Equal("mcp-router.server", problem.Key);
        Assert.Equal(
            $"{values}: mcp-router.server: unknown key: no placeholder ${{mcp-router.server}} in mcp-router.yml or any other file, so this value is not used; did you mean mcp-router.servers?",
            problem.ToString());
    }

    [Fact]
    public void Nested_values_are_checked_key_by_key_and_values_may_use_other_values()
    {
        using var root = new TempConfigRoot();
        var cache = root.Write(ConfigLayer.Cache, "values.yml", """
            mcp-router:
              schemaValidation: {maxSteps: 5, maxStep: 6}
            mcp-router.servers: ${mcp-router.extraServers}
            mcp-router.extraServers: []
            """);

        var problem = Assert.Single(Check(root));

        Assert.Equal(cache, problem.File);
        Assert.Equal("mcp-router.schemaValidation.maxStep", problem.Key);
        Assert.EndsWith("did you mean mcp-router.schemaValidation.maxSteps?", problem.Message);
    }
}
