using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class PlaceholderResolverTests
{
    [Fact]
    public void Environment_beats_values_which_beat_the_default()
    {
        const string file = "a: ${server.port:1}\nb: ${server.host:fallback}\nc: ${server.name:default-name}";
        var values = "server.port: 2\nserver.host: from-values";
        var resolver = Resolvers.Create(values, Env.Of(("SERVER_PORT", "3")));

        var tree = resolver.ResolveFile(file)!;

        Assert.Equal(3, tree["a"]!.GetValue<long>());
        Assert.Equal("from-values", tree["b"]!.GetValue<string>());
        Assert.Equal("default-name", tree["c"]!.GetValue<string>());
    }

    [Fact]
    public void Environment_name_is_upper_cased_with_dots_and_dashes_as_underscores()
    {
        var resolver = Resolvers.Create(env: Env.Of(("LIGHT_CONFIG_SERVER_URI", "https://cs:8435"), ("SERVER_SERVICEID", "svc")));

        var tree = resolver.ResolveFile("uri: ${light-config-server-uri:x}\nid: ${server.serviceId}")!;

        Assert.Equal("https://cs:8435", tree["uri"]!.GetValue<string>());
        Assert.Equal("svc", tree["id"]!.GetValue<string>());
    }

    [Fact]
    public void Exact_key_is_the_environment_fallback()
    {
        var resolver = Resolvers.Create(env: Env.Of(("my.exact-Key", "exact")));

        Assert.Equal("exact", resolver.ResolveFile("v: ${my.exact-Key}")!["v"]!.GetValue<string>());
    }

    [Fact]
    public void Mapped_environment_name_wins_over_the_exact_key()
    {
        var resolver = Resolvers.Create(env: Env.Of(("a.b", "exact"), ("A_B", "mapped")));

        Assert.Equal("mapped", resolver.ResolveFile("v: ${a.b}")!["v"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("${x:[]}", "[]")]
    [InlineData("${x:{}}", "{}")]
    [InlineData("${x:8080}", "8080")]
    [InlineData("${x:-12}", "-12")]
    [InlineData("${x:1.5}", "1.5")]
    [InlineData("${x:true}", "true")]
    [InlineData("${x:false}", "false")]
    [InlineData("${x:null}", "null")]
    [InlineData("${x:~}", "null")]
    [InlineData("${x:}", "\"\"")]
    [InlineData("${x:text}", "\"text\"")]
    [InlineData("${x:[a, b]}", "[\"a\",\"b\"]")]
    [InlineData("${x:{k: 1}}", "{\"k\":1}")]
    [InlineData("${x:https://host:8443/p}", "\"https://host:8443/p\"")]
    public void Whole_value_default_keeps_its_yaml_type(string placeholder, string expectedJson)
    {
        var tree = Resolvers.Create().ResolveFile($"v: '{placeholder}'")!;

        Assert.Equal(expectedJson, Json(tree["v"]));
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("8443", "8443")]
    [InlineData("0.25", "0.25")]
    [InlineData("null", "null")]
    [InlineData("plain", "\"plain\"")]
    [InlineData("[\"a\",\"b\"]", "[\"a\",\"b\"]")]
    [InlineData("{\"a\": [1, 2]}", "{\"a\":[1,2]}")]
    [InlineData("{not yaml", "\"{not yaml\"")]
    public void Environment_text_is_typed_as_a_yaml_scalar_or_flow_collection(string envText, string expectedJson)
    {
        var resolver = Resolvers.Create(env: Env.Of(("X", envText)));

        Assert.Equal(expectedJson, Json(resolver.ResolveFile("v: ${x}")!["v"]));
    }

    [Fact]
    public void Whole_value_from_values_keeps_the_values_type_including_lists_and_maps()
    {
        var values = "list: [a, b]\nmap: {k: v}\nport: 8080\nflag: false\nnothing: ~\nquoted: '8080'";
        var tree = Resolvers.Create(values).ResolveFile(
            "list: ${list}\nmap: ${map}\nport: ${port}\nflag: ${flag}\nnothing: ${nothing:fallback}\nquoted: ${quoted}")!;

        Assert.Equal("[\"a\",\"b\"]", Json(tree["list"]));
        Assert.Equal("{\"k\":\"v\"}", Json(tree["map"]));
        Assert.Equal("8080", Json(tree["port"]));
        Assert.Equal("false", Json(tree["flag"]));
        Assert.Equal("null", Json(tree["nothing"]));
        Assert.Equal("\"8080\"", Json(tree["quoted"]));
    }

    [Fact]
    public void Values_are_themselves_resolved_recursively_and_keep_type()
    {
        var values = "a: ${b}\nb: ${c:42}\nurl: https://${host}/api\nhost: example.com\nnested: [\"${host}\", x]";
        var tree = Resolvers.Create(values).ResolveFile("a: ${a}\nurl: ${url}\nnested: ${nested}")!;

        Assert.Equal("42", Json(tree["a"]));
        Assert.Equal("\"https://example.com/api\"", Json(tree["url"]));
        Assert.Equal("[\"example.com\",\"x\"]", Json(tree["nested"]));
    }

    [Fact]
    public void Nested_defaults_fall_back_through_each_key()
    {
        const string file = "url: ${pii-tokenization.database.url:${database.url:}}";

        Assert.Equal("\"\"", Json(Resolvers.Create().ResolveFile(file)!["url"]));
        Assert.Equal("\"db\"", Json(Resolvers.Create("database.url: db").ResolveFile(file)!["url"]));
        Assert.Equal("\"own\"", Json(Resolvers.Create("pii-tokenization.database.url: own\ndatabase.url: db").ResolveFile(file)!["url"]));
        Assert.Equal("8080", Json(Resolvers.Create().ResolveFile("p: ${a:${b:8080}}")!["p"]));
    }

    [Fact]
    public void Default_is_only_evaluated_when_needed()
    {
        var tree = Resolvers.Create("a: set").ResolveFile("v: ${a:${missing}}")!;

        Assert.Equal("set", tree["v"]!.GetValue<string>());
    }

    [Fact]
    public void Placeholders_inside_text_expand_to_a_string()
    {
        var resolver = Resolvers.Create("host: example.com\nport: 8443\ntls: true", Env.Of(("SCHEME", "https")));

        var tree = resolver.ResolveFile("url: ${scheme}://${host}:${port}/api?tls=${tls}&x=${none:}\nraw: no placeholders $ here")!;

        Assert.Equal("https://example.com:8443/api?tls=true&x=", tree["url"]!.GetValue<string>());
        Assert.Equal("no placeholders $ here", tree["raw"]!.GetValue<string>());
    }

    [Fact]
    public void Resolution_walks_lists_and_maps_and_leaves_typed_scalars_alone()
    {
        var tree = Resolvers.Create("h: x").ResolveFile("outer:\n  list:\n    - ${h}\n    - n: ${h:1}\n  port: 80\n  on: true")!;

        Assert.Equal("{\"outer\":{\"list\":[\"x\",{\"n\":\"x\"}],\"port\":80,\"on\":true}}", Json(tree));
    }

    [Fact]
    public void Unresolved_placeholder_names_file_key_line_and_what_to_do()
    {
        var yaml = "server:\n  ip: 1.2.3.4\n  serviceId: ${server.serviceId}\n  other: ${missing.two}";
        var sources = new ConfigSourceSet(
            new InMemoryEmbeddedConfig(new Dictionary<string, string> { ["server.yml"] = yaml }),
            new ConfigDirectories(null, "/nonexistent/config", "/nonexistent/cache"));
        var loader = new ConfigLoader(sources, ConfigValues.Empty, Env.None, new SecretDecryptor(null, null));

        var ex = Assert.Throws<ConfigException>(() => loader.Load("server"));

        Assert.Equal(2, ex.Problems.Count);
        var first = ex.Problems[0];
        Assert.Equal("embedded:server.yml", first.File);
        Assert.Equal("server.serviceId", first.Key);
        Assert.Equal(3, first.Line);
        Assert.Contains("SERVER_SERVICEID", first.Message);
        Assert.Contains("values.yml", first.Message);
        Assert.Equal("server.other", ex.Problems[1].Key);
        Assert.Contains("embedded:server.yml: server.serviceId: unresolved placeholder", ex.Message);
    }

    [Fact]
    public void Unresolved_placeholder_inside_text_is_an_error_too()
    {
        var ex = Assert.Throws<ConfigException>(() => Resolvers.Create().ResolveFile("url: http://${host}/", "client.yml"));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal("client.yml", problem.File);
        Assert.Equal("url", problem.Key);
        Assert.Contains("${host}", problem.Message);
    }

    [Fact]
    public void Unresolved_placeholder_inside_a_values_entry_names_that_entry()
    {
        var ex = Assert.Throws<ConfigException>(() => Resolvers.Create("api.url: https://${api.host}/v1").ResolveFile("url: ${api.url}", "client.yml"));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal("url", problem.Key);
        Assert.Contains("${api.host}", problem.Message);
        Assert.Contains("values key 'api.url'", problem.Message);
    }

    [Fact]
    public void Cycle_through_values_is_a_clear_error()
    {
        var ex = Assert.Throws<ConfigException>(() => Resolvers.Create("a: ${b}\nb: x-${a}").ResolveFile("v: ${a}"));

        var problem = Assert.Single(ex.Problems);
        Assert.Contains("cycle", problem.Message);
        Assert.Contains("a -> b -> a", problem.Message);
    }

    [Fact]
    public void Nesting_is_bounded_at_sixteen_levels()
    {
        static string Chain(int length) => string.Join("\n", Enumerable.Range(0, length).Select(i => $"k{i}: ${{k{i + 1}}}"))
                                           + $"\nk{length}: end";

        Assert.Equal("end", Resolvers.Create(Chain(15)).ResolveFile("v: ${k0}")!["v"]!.GetValue<string>());
        var ex = Assert.Throws<ConfigException>(() => Resolvers.Create(Chain(20)).ResolveFile("v: ${k0}"));
        Assert.Contains("deeper than 16", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Unterminated_placeholder_is_reported()
    {
        var ex = Assert.Throws<ConfigException>(() => Resolvers.Create().ResolveFile("v: abc ${oops"));

        Assert.Contains("unterminated", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Values_in_nested_form_are_found_by_dotted_key_after_the_flat_key()
    {
        var tree = Resolvers.Create("server:\n  httpPort: 8080\n  tls: {enabled: true}\nserver.tls.enabled: false")
            .ResolveFile("port: ${server.httpPort}\ntls: ${server.tls.enabled}")!;

        Assert.Equal("8080", Json(tree["port"]));
        Assert.Equal("false", Json(tree["tls"]));
    }

    [Fact]
    public void ResolveText_types_a_single_scalar()
    {
        var resolver = Resolvers.Create("port: 9090");

        Assert.Equal("9090", Json(resolver.ResolveText("${port}", "startup.yml: port")));
        Assert.Equal("\"x9090\"", Json(resolver.ResolveText("x${port}", "startup.yml: port")));
        Assert.Equal("true", Json(resolver.ResolveText("true", "startup.yml: flag")));
        var ex = Assert.Throws<ConfigException>(() => resolver.ResolveText("${nope}", "startup.yml: nope"));
        Assert.Equal("startup.yml", ex.Problems[0].File);
        Assert.Equal("nope", ex.Problems[0].Key);
    }

    private static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";
}
