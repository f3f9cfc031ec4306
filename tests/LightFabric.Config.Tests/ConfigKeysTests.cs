using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class ConfigKeysTests
{
    private sealed record Server
    {
        public string Name { get; init; } = "";
        public IReadOnlyList<string> Command { get; init; } = [];
        public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    }

    private sealed record Router
    {
        public bool Enabled { get; init; }
        public IReadOnlyList<Server> Servers { get; init; } = [];
        public JsonObject? Metadata { get; init; }
    }

    private static JsonNode Yaml(string text) => ConfigYaml.Parse(text, "test.yml")!;

    [Fact]
    public void A_typed_record_gives_its_keys_nested_and_unknown_ones_name_the_nearest()
    {
        var keys = ConfigKeys.For<Router>();

        var problems = keys.FindUnknown(Yaml("""
            enabled: true
            server: []
            servers:
              - {name: a, comand: [npx], env: {ANY_NAME: x}}
            metadata: {free: form}
            colour: blue
            """), "mcp-router.yml");

        Assert.Equal(
            [
                "mcp-router.yml: server: unknown key; did you mean servers?",
                "mcp-router.yml: servers[0].comand: unknown key; did you mean command?",
                "mcp-router.yml: colour: unknown key; known keys: enabled, metadata, servers",
            ],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Keys_compare_without_case_and_lists_may_arrive_as_json_strings()
    {
        var keys = ConfigKeys.Map("enabled", ("paths", ConfigKeys.ListOf(ConfigKeys.Map("path", "method", "exec"))));

        var problems = keys.FindUnknown(Yaml("""
            Enabled: true
            paths: '[{"path": "/a", "method": "GET", "exec": ["x"]}, {"pathh": "/b"}]'
            """), "handler.yml");

        var problem = Assert.Single(problems);
        Assert.Equal("handler.yml: paths[1].pathh: unknown key; did you mean path?", problem.ToString());
    }

    [Fact]
    public void Declared_keys_extend_and_free_maps_take_any_name()
    {
        var keys = ConfigKeys.Map("a").With(("upstreams", ConfigKeys.MapOf(ConfigKeys.Map("transport"))));

        var problems = keys.FindUnknown(Yaml("a: 1\nupstreams:\n  anything: {transport: stdio, transprot: x}\n"), "f.yml");

        Assert.Equal("f.yml: upstreams.anything.transprot: unknown key; did you mean transport?", Assert.Single(problems).ToString());
    }

    [Theory]
    [InlineData("server", "servers")]
    [InlineData("path", "paths")]
    [InlineData("sevrers", "servers")]
    [InlineData("maxSession", "maxSessions")]
    [InlineData("upstreamStartupWait", "upstreamStartupWaitMs")]
    [InlineData("xyz", null)]
    [InlineData("url", null)]
    public void Nearest_key_is_two_edits_a_swap_or_a_prefix_away(string typo, string? expected)
    {
        Assert.Equal(expected, NearestKey.Find(typo, ["servers", "paths", "maxSessions", "upstreamStartupWaitMs", "enabled"]));
    }
}
