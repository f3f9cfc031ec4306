using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class ConfigSourceSetTests
{
    private static InMemoryEmbeddedConfig Embedded(params (string Name, string Content)[] files) =>
        new(files.ToDictionary(f => f.Name, f => f.Content));

    [Fact]
    public void Values_merge_key_by_key_from_embedded_up_to_cache()
    {
        using var root = new TempConfigRoot();
        var embedded = Embedded(("values.yml", "a: embedded\nb: embedded\nc: embedded\nd: embedded\ne: embedded"));
        root.Write(ConfigLayer.Defaults, "values.yml", "b: defaults\nc: defaults\nd: defaults");
        root.Write(ConfigLayer.Local, "values.yml", "c: local\nd: local");
        root.Write(ConfigLayer.Cache, "values.yaml", "d: cache\nlist: [1, 2]");

        var values = new ConfigSourceSet(embedded, root.Directories).LoadValues();

        Assert.Equal("embedded", Get(values, "a"));
        Assert.Equal("defaults", Get(values, "b"));
        Assert.Equal("local", Get(values, "c"));
        Assert.Equal("cache", Get(values, "d"));
        Assert.Equal("embedded", Get(values, "e"));
        Assert.True(values.TryGet("list", out var list));
        Assert.Equal("[1,2]", list!.ToJsonString());
        Assert.Equal(6, values.Count);
    }

    [Fact]
    public void Remote_values_overlay_everything_and_replace_whole_values()
    {
        var local = ConfigValues.Parse("a: 1\nmap: {x: 1, y: 2}", "config/values.yml");
        var remote = ConfigValues.Parse("{\"a\": 2, \"map\": {\"x\": 9}}", "remote");

        var merged = local.Overlay(remote);

        Assert.Equal("2", Json(merged, "a"));
        Assert.Equal("{\"x\":9}", Json(merged, "map"));
        Assert.Equal(["a", "map"], merged.Keys);
    }

    [Fact]
    public void Structured_file_comes_whole_from_the_highest_layer()
    {
        using var root = new TempConfigRoot();
        var embedded = Embedded(("handler.yml", "from: embedded\nonlyEmbedded: true"));
        var sources = new ConfigSourceSet(embedded, root.Directories);

        Assert.Equal(ConfigLayer.Embedded, sources.Find("handler")!.Layer);
        Assert.Equal("embedded", sources.Find("handler.yml")!.Provenance);

        var defaultsPath = root.Write(ConfigLayer.Defaults, "handler.yml", "from: defaults");
        Assert.Equal("file:" + defaultsPath, sources.Find("handler")!.Provenance);

        root.Write(ConfigLayer.Local, "handler.yml", "from: local");
        Assert.Equal(ConfigLayer.Local, sources.Find("handler")!.Layer);

        root.Write(ConfigLayer.Cache, "handler.yml", "from: cache");
        var found = sources.Find("handler.yml")!;
        Assert.Equal(ConfigLayer.Cache, found.Layer);
        Assert.Equal("from: cache", found.Content);
        Assert.DoesNotContain("onlyEmbedded", found.Content);
    }

    [Fact]
    public void Yaml_extension_is_a_fallback_and_yml_wins_within_a_layer()
    {
        using var root = new TempConfigRoot();
        var sources = new ConfigSourceSet(EmptyEmbeddedConfig.Instance, root.Directories);

        root.Write(ConfigLayer.Local, "mcp-router.yaml", "x: yaml");
        Assert.Equal("mcp-router.yaml", sources.Find("mcp-router.yml")!.FileName);

        root.Write(ConfigLayer.Local, "mcp-router.yml", "x: yml");
        Assert.Equal("mcp-router.yml", sources.Find("mcp-router.yaml")!.FileName);

        // A higher layer's .yaml beats a lower layer's .yml.
        root.Write(ConfigLayer.Cache, "mcp-router.yaml", "x: cache");
        Assert.Equal("x: cache", sources.Find("mcp-router")!.Content);
    }

    [Fact]
    public void Missing_file_is_null_and_searched_locations_list_every_layer()
    {
        using var root = new TempConfigRoot();
        var sources = new ConfigSourceSet(EmptyEmbeddedConfig.Instance, root.Directories);

        Assert.Null(sources.Find("proxy"));
        var searched = sources.SearchedLocations("proxy");

        Assert.Equal("embedded:proxy.yml", searched[0]);
        Assert.Contains(Path.Combine(root.Directories.DefaultsDir!, "proxy.yml"), searched);
        Assert.Contains(Path.Combine(root.Directories.ConfigDir, "proxy.yaml"), searched);
        Assert.Equal(Path.Combine(root.Directories.CacheDir, "proxy.yaml"), searched[^1]);
    }

    [Fact]
    public void Defaults_directory_is_optional()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Defaults, "values.yml", "a: defaults");
        var directories = root.Directories with { DefaultsDir = null };

        var sources = new ConfigSourceSet(EmptyEmbeddedConfig.Instance, directories);

        Assert.Equal(0, sources.LoadValues().Count);
        Assert.DoesNotContain(sources.SearchedLocations("values"), l => l.Contains("config-defaults"));
    }

    [Fact]
    public void Values_parse_error_names_the_file_and_line()
    {
        using var root = new TempConfigRoot();
        var path = root.Write(ConfigLayer.Local, "values.yml", "a: 1\nb: [unclosed\nc: 3\n");

        var ex = Assert.Throws<ConfigException>(() => new ConfigSourceSet(EmptyEmbeddedConfig.Instance, root.Directories).LoadValues());

        var problem = Assert.Single(ex.Problems);
        Assert.Equal(path, problem.File);
        Assert.NotNull(problem.Line);
        Assert.InRange(problem.Line!.Value, 2, 4);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Values_must_be_a_map()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigValues.Parse("- a\n- b", "values.yml"));

        Assert.Equal("values.yml", ex.Problems[0].File);
    }

    [Fact]
    public void Values_round_trip_through_yaml_for_the_cache()
    {
        var values = ConfigValues.Parse(
            "server.httpPort: 8080\nserver.ip: 0.0.0.0\nflag: 'true'\nempty: ''\nnothing: null\nlist: [a, 'b: c', 1]\n" +
            "map: {k: v, n: {deep: 1.0}}\nsecret: CRYPT:abc:def\nmultiline: \"line1\\nline2\"\nzip: '0123'\ntext: \"# not a comment\"",
            "values.yml");

        var again = ConfigValues.Parse(values.ToYaml(), "config-cache/values.yml");

        Assert.Equal(values.ToJsonObject().ToJsonString(), again.ToJsonObject().ToJsonString());
    }

    [Fact]
    public void Working_directory_layout_is_absolute()
    {
        var dirs = ConfigDirectories.ForWorkingDirectory("relative-root");

        Assert.True(Path.IsPathRooted(dirs.ConfigDir));
        Assert.EndsWith(Path.Combine("relative-root", "config-defaults"), dirs.DefaultsDir);
        Assert.EndsWith(Path.Combine("relative-root", "config"), dirs.ConfigDir);
        Assert.EndsWith(Path.Combine("relative-root", "config-cache"), dirs.CacheDir);
    }

    [Fact]
    public void Names_escaping_the_directories_are_rejected()
    {
        using var root = new TempConfigRoot();
        var sources = new ConfigSourceSet(EmptyEmbeddedConfig.Instance, root.Directories);

        Assert.Throws<ArgumentException>(() => sources.Find("../secrets.yml"));
    }

    [Fact]
    public void Assembly_embedded_config_uses_logical_names_under_config()
    {
        var embedded = new AssemblyEmbeddedConfig(typeof(ConfigSourceSetTests).Assembly);

        Assert.Contains("server.yml", embedded.Names);
        Assert.Contains("oauth/provider.yml", embedded.Names);
        Assert.True(embedded.TryRead("oauth/provider.yml", out var content));
        Assert.Contains("issuer:", content);
        Assert.False(embedded.TryRead("missing.yml", out _));
    }

    [Fact]
    public void Assembly_embedded_values_are_the_lowest_layer()
    {
        using var root = new TempConfigRoot();
        var sources = new ConfigSourceSet(new AssemblyEmbeddedConfig(typeof(ConfigSourceSetTests).Assembly), root.Directories);
        var loader = new ConfigLoader(sources, sources.LoadValues(), Env.None, new SecretDecryptor(null, null));

        Assert.Equal(9000, loader.Load("server").Values["httpPort"]!.GetValue<long>());

        root.Write(ConfigLayer.Local, "values.yml", "server.httpPort: 7000");
        loader = new ConfigLoader(sources, sources.LoadValues(), Env.None, new SecretDecryptor(null, null));
        var server = loader.Load("server.yml");
        Assert.Equal(7000, server.Values["httpPort"]!.GetValue<long>());
        Assert.Equal("embedded", server.Provenance);
    }

    [Theory]
    [InlineData(ConfigLayer.Defaults, "")]
    [InlineData(ConfigLayer.Local, "  \n\t\n")]
    [InlineData(ConfigLayer.Cache, "# servers: []\n---\n   # nothing else\n")]
    public void An_empty_module_file_in_any_layer_is_a_problem_not_an_empty_config(ConfigLayer layer, string content)
    {
        using var root = new TempConfigRoot();
        var embedded = Embedded(("mcp-router.yml", "servers: []"));
        var path = root.Write(layer, "mcp-router.yml", content);
        var sources = new ConfigSourceSet(embedded, root.Directories);

        var error = Assert.Throws<ConfigException>(() => sources.Find("mcp-router"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(path, problem.File);
        Assert.Equal($"{path}: file is empty; delete it to use the defaults or set enabled: false", problem.ToString());
    }

    [Fact]
    public void An_empty_values_file_adds_nothing()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "values.yml", "");
        root.Write(ConfigLayer.Cache, "values.yml", "# none\n");

        var values = new ConfigSourceSet(Embedded(("values.yml", "a: 1")), root.Directories).LoadValues();

        Assert.Equal(["a"], values.Keys);
    }

    private static string? Get(ConfigValues values, string key) =>
        values.TryGet(key, out var node) ? node?.GetValue<string>() : null;

    private static string Json(ConfigValues values, string key) =>
        values.TryGet(key, out var node) ? node?.ToJsonString() ?? "null" : "<missing>";
}
