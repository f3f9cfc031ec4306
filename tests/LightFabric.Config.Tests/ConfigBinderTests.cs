using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public enum Transport { Stdio, Sse, StreamableHttp }

public sealed record ServerSettings
{
    public string Ip { get; init; } = "0.0.0.0";
    public int HttpPort { get; init; } = 8080;
    public bool EnableHttp { get; init; } = true;
    public double Ratio { get; init; }
    public string? Version { get; init; }
    public Transport Transport { get; init; } = Transport.Stdio;
    public IReadOnlyList<string> Tags { get; init; } = [];
    public List<int> Ports { get; init; } = [];
    public string[] Scopes { get; init; } = [];
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public Dictionary<string, RouteSettings> Routes { get; init; } = [];
    public IReadOnlyList<RouteSettings> RouteList { get; init; } = [];
    public bool? Optional { get; init; }
}

public sealed record RouteSettings
{
    public string Path { get; init; } = "";
    public IReadOnlyList<string> Methods { get; init; } = [];
}

public sealed record ToolEntry
{
    [ConfigAlias("target_host")]
    public string? TargetHost { get; init; }

    public ChainEntry Chain { get; init; } = new();

    public RouteSettings Route { get; init; } = new() { Path = "/default" };
}

[ConfigShorthand("exec")]
public sealed record ChainEntry
{
    public IReadOnlyList<string>? Exec { get; init; }
}

public sealed record ToolFile
{
    public IReadOnlyList<ToolEntry> Tools { get; init; } = [];
}

public class ConfigBinderTests
{
    [Fact]
    public void Binds_records_with_case_insensitive_names_and_defaults()
    {
        var settings = ConfigBinder.Bind<ServerSettings>(Parse("httpport: 9090\nIP: 10.0.0.1\ntransport: sse\nversion: 1.0"), "server.yml");

        Assert.Equal(9090, settings.HttpPort);
        Assert.Equal("10.0.0.1", settings.Ip);
        Assert.True(settings.EnableHttp);
        Assert.Equal(Transport.Sse, settings.Transport);
        Assert.Equal("1.0", settings.Version);
        Assert.Empty(settings.Tags);
    }

    [Fact]
    public void Numbers_and_booleans_may_arrive_as_strings()
    {
        var settings = ConfigBinder.Bind<ServerSettings>(Parse("httpPort: '9090'\nenableHttp: 'FALSE'\nratio: '0.5'\noptional: 'true'"), "server.yml");

        Assert.Equal(9090, settings.HttpPort);
        Assert.False(settings.EnableHttp);
        Assert.Equal(0.5, settings.Ratio);
        Assert.True(settings.Optional);
    }

    [Theory]
    [InlineData("tags: [a, b]\nports: [1, 2]\nscopes: [x, y]")]
    [InlineData("tags: '[\"a\", \"b\"]'\nports: '[1, 2]'\nscopes: '[\"x\",\"y\"]'")]
    [InlineData("tags: 'a, b'\nports: '1,2'\nscopes: ' x , y '")]
    public void Lists_accept_yaml_lists_json_strings_and_comma_lists(string yaml)
    {
        var settings = ConfigBinder.Bind<ServerSettings>(Parse(yaml), "server.yml");

        Assert.Equal(["a", "b"], settings.Tags);
        Assert.Equal([1, 2], settings.Ports);
        Assert.Equal(["x", "y"], settings.Scopes);
    }

    [Theory]
    [InlineData("tags: ''")]
    [InlineData("tags: ~")]
    [InlineData("tags: []")]
    public void Empty_or_null_lists_bind_as_empty(string yaml)
    {
        Assert.Empty(ConfigBinder.Bind<ServerSettings>(Parse(yaml), "server.yml").Tags);
    }

    [Theory]
    [InlineData("headers: {X-A: '1', X-B: two}\nroutes: {r1: {path: /a, methods: [GET]}}")]
    [InlineData("headers: '{\"X-A\": \"1\", \"X-B\": \"two\"}'\nroutes: '{\"r1\": {\"path\": \"/a\", \"methods\": \"GET\"}}'")]
    public void Maps_accept_yaml_maps_and_json_strings(string yaml)
    {
        var settings = ConfigBinder.Bind<ServerSettings>(Parse(yaml), "server.yml");

        Assert.Equal("1", settings.Headers["X-A"]);
        Assert.Equal("two", settings.Headers["X-B"]);
        Assert.Equal("/a", settings.Routes["r1"].Path);
        Assert.Equal(["GET"], settings.Routes["r1"].Methods);
    }

    [Fact]
    public void Lists_of_objects_accept_a_json_string()
    {
        var settings = ConfigBinder.Bind<ServerSettings>(
            Parse("routeList: '[{\"path\": \"/x\", \"methods\": \"GET,POST\"}]'"), "server.yml");

        Assert.Equal("/x", settings.RouteList[0].Path);
        Assert.Equal(["GET", "POST"], settings.RouteList[0].Methods);
    }

    [Fact]
    public void A_resolved_placeholder_list_binds_like_a_yaml_list()
    {
        var resolver = Resolvers.Create(env: Env.Of(("SERVER_TAGS", "[\"a\",\"b\"]")));
        var tree = resolver.ResolveFile("tags: ${server.tags:[]}\nports: ${server.ports:[]}")!;

        var settings = ConfigBinder.Bind<ServerSettings>(tree, "server.yml");

        Assert.Equal(["a", "b"], settings.Tags);
        Assert.Empty(settings.Ports);
    }

    [Fact]
    public void Wrong_type_names_file_key_expectation_and_value()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<ServerSettings>(Parse("httpPort: abc"), "server.yml"));

        Assert.Equal("server.yml: httpPort: expected a whole number, got 'abc'", ex.Message);
    }

    [Fact]
    public void Nested_errors_carry_the_full_key_path()
    {
        var ex = Assert.Throws<ConfigException>(() =>
            ConfigBinder.Bind<ServerSettings>(Parse("routeList:\n  - path: /a\n  - path: [1]"), "server.yml"));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal("routeList[1].path", problem.Key);
        Assert.Contains("got a list", problem.Message);
    }

    [Fact]
    public void Errors_inside_maps_and_json_strings_carry_the_full_key_path()
    {
        var inMap = Assert.Throws<ConfigException>(() =>
            ConfigBinder.Bind<ServerSettings>(Parse("routes:\n  r1:\n    methods: {a: 1}"), "server.yml"));
        Assert.Equal("routes.r1.methods", Assert.Single(inMap.Problems).Key);

        var inString = Assert.Throws<ConfigException>(() =>
            ConfigBinder.Bind<ServerSettings>(Parse("ports: '[1, x]'"), "server.yml"));
        Assert.Equal("server.yml: ports[1]: expected a whole number, got 'x'", inString.Message);
    }

    [Fact]
    public void Unknown_enum_value_lists_the_allowed_names()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<ServerSettings>(Parse("transport: carrier-pigeon"), "mcp.yml"));

        Assert.Contains("transport", ex.Message);
        Assert.Contains("Stdio, Sse, StreamableHttp", ex.Message);
    }

    [Fact]
    public void Bad_boolean_is_reported()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<ServerSettings>(Parse("enableHttp: maybe"), "server.yml"));

        Assert.Equal("server.yml: enableHttp: expected true or false, got 'maybe'", ex.Message);
    }

    [Fact]
    public void Null_tree_binds_defaults()
    {
        Assert.Equal(8080, ConfigBinder.Bind<ServerSettings>(null, "server.yml").HttpPort);
    }

    [Fact]
    public void StringList_accepts_every_form()
    {
        Assert.Equal(["a", "b"], ConfigBinder.StringList(JsonNode.Parse("[\"a\",\"b\"]")));
        Assert.Equal(["a", "b"], ConfigBinder.StringList(JsonValue.Create("[\"a\", \"b\"]")));
        Assert.Equal(["a", "b"], ConfigBinder.StringList(JsonValue.Create("a, b,")));
        Assert.Equal(["1", "true"], ConfigBinder.StringList(JsonNode.Parse("[1, true]")));
        Assert.Empty(ConfigBinder.StringList(null));
        Assert.Empty(ConfigBinder.StringList(JsonValue.Create("")));
    }

    [Fact]
    public void Structured_parses_collection_strings_only()
    {
        Assert.IsType<JsonObject>(ConfigBinder.Structured(JsonValue.Create("{\"a\": 1}")));
        Assert.IsType<JsonArray>(ConfigBinder.Structured(JsonValue.Create("[a, b]")));
        Assert.Equal("\"a, b\"", ConfigBinder.Structured(JsonValue.Create("a, b"))!.ToJsonString());
        Assert.Null(ConfigBinder.Structured(null));
    }

    [Fact]
    public void Binding_key_by_key_reports_every_value_that_does_not_bind_and_keeps_the_others()
    {
        var problems = new List<ConfigProblem>();
        var yaml = "httpPort: lots\nenableHttp: maybe\nip: 10.0.0.2\nrouteList:\n  - {path: /a, methods: [GET]}\n  - {path: [x], methods: [PUT]}\n  - 7\n  - {path: /c, methods: {a: 1}}\nunknown: 1";
        var settings = ConfigBinder.BindEach<ServerSettings>((JsonObject)Parse(yaml)!, "server.yml", null, problems);

        Assert.Equal(
            ["server.yml: httpPort: expected a whole number, got 'lots'", "server.yml: enableHttp: expected true or false, got 'maybe'"],
            problems.Take(2).Select(p => p.ToString()));
        Assert.Equal(5, problems.Count);
        Assert.StartsWith("server.yml: routeList[1].path: ", problems[2].ToString());
        Assert.StartsWith("server.yml: routeList[2]: ", problems[3].ToString());
        Assert.StartsWith("server.yml: routeList[3].methods: ", problems[4].ToString());
        Assert.Equal("10.0.0.2", settings.Ip);
        Assert.Equal(8080, settings.HttpPort);
        Assert.True(settings.EnableHttp);

        // Within a list only the failing value is gone: the entries keep their places and their other values.
        Assert.Equal(4, settings.RouteList.Count);
        Assert.Equal(("/a", "GET"), (settings.RouteList[0].Path, settings.RouteList[0].Methods.Single()));
        Assert.Equal("PUT", settings.RouteList[1].Methods.Single());
        Assert.Null(settings.RouteList[2]);
        Assert.Equal("/c", settings.RouteList[3].Path);
    }

    [Fact]
    public void A_list_of_numbers_with_a_bad_entry_is_reported_and_left_at_its_default()
    {
        var problems = new List<ConfigProblem>();
        var settings = ConfigBinder.BindEach<ServerSettings>((JsonObject)Parse("ports: [1, x, 3]\nip: 10.0.0.3")!, "server.yml", null, problems);

        Assert.Equal("server.yml: ports[1]: expected a whole number, got 'x'", Assert.Single(problems).ToString());
        Assert.Empty(settings.Ports);
        Assert.Equal("10.0.0.3", settings.Ip);
    }

    [Fact]
    public void Aliases_shorthand_forms_JSON_text_and_empty_blocks_bind_at_any_depth()
    {
        var yaml = """
            tools: '[{"target_host": "http://a", "chain": ["x", "y"], "route": ""},
                     {"targetHost": "http://b", "target_host": "http://ignored", "chain": {"exec": ["z"]}, "route": "{\"path\": \"/r\"}"}]'
            """;
        var problems = new List<ConfigProblem>();
        var file = ConfigBinder.BindEach<ToolFile>((JsonObject)Parse(yaml)!, "tools.yml", null, problems);

        Assert.Empty(problems);
        Assert.Equal(["http://a", "http://b"], file.Tools.Select(t => t.TargetHost));
        Assert.Equal(["x", "y"], file.Tools[0].Chain.Exec);
        Assert.Equal(["z"], file.Tools[1].Chain.Exec);
        Assert.Equal(["/default", "/r"], file.Tools.Select(t => t.Route.Path));
        var bound = ConfigBinder.Bind<ToolFile>(Parse(yaml), "tools.yml");
        Assert.Equal(["http://a", "http://b"], bound.Tools.Select(t => t.TargetHost));
        Assert.Equal(["/default", "/r"], bound.Tools.Select(t => t.Route.Path));
    }

    [Fact]
    public void Known_keys_of_a_record_include_its_aliases()
    {
        var unknown = ConfigKeys.For<ToolFile>().FindUnknown(Parse("tools:\n  - {target_host: a, targetHots: b}"), "tools.yml");

        Assert.Equal("tools[0].targetHots", Assert.Single(unknown).Key);
    }

    private static JsonNode? Parse(string yaml) => ConfigYaml.Parse(yaml, "test.yml");
}
