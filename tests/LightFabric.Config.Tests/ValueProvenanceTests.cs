using LightFabric.Config;

namespace LightFabric.Config.Tests;

/// <summary>A reader's problem at a key path is restated where the user wrote the value.</summary>
public class ValueProvenanceTests
{
    private const string HandlerTemplate = "paths: ${handler.paths:[]}\nbasePath: ${handler.basePath:/}\nlabel: prefix-${handler.label:x}\nfixed: [a, b]\n";
    private const string UnknownHandler = "unknown handler 'mpc'";

    private static ConfigLoader Loader(TempConfigRoot root, IEnvironmentReader? env = null, ConfigValues? remote = null)
    {
        var sources = new ConfigSourceSet(new InMemoryEmbeddedConfig(new Dictionary<string, string> { ["handler.yml"] = HandlerTemplate }), root.Directories);
        var values = sources.LoadValues().Overlay(remote ?? ConfigValues.Empty);
        return new ConfigLoader(sources, values, env ?? Env.None, new SecretDecryptor(null, null));
    }

    private static ConfigProblem ReaderProblem(string key) => new(UnknownHandler, "handler.yml", key, 3);

    [Fact]
    public void A_problem_in_a_value_from_values_yml_names_values_yml_the_values_key_and_the_file_that_used_it()
    {
        using var root = new TempConfigRoot();
        var values = root.Write(ConfigLayer.Local, "values.yml", "handler.paths:\n  - {path: /a, method: GET, exec: [mcp]}\n  - {path: /b, method: GET, exec: [health, mpc]}\n");
        var loader = Loader(root);
        loader.Load("handler");

        var problem = Assert.Single(loader.Attribute([ReaderProblem("paths[1].exec[1]")]));

        Assert.Equal($"{values}: handler.paths[1].exec[1] (used by handler.yml): {UnknownHandler}", problem.ToString());
        Assert.Equal(values, problem.File);
        Assert.Equal("handler.yml", problem.UsedBy);
        Assert.Null(problem.Line);
    }

    [Fact]
    public void Config_server_values_and_environment_variables_are_named_as_the_source()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "values.yml", "handler.paths: []\n");
        var remote = ConfigValues.Parse("handler.paths: [{path: /b, method: GET, exec: [mpc]}]", "config-server values");
        var fromServer = Loader(root, remote: remote);
        fromServer.Load("handler");
        var fromEnvironment = Loader(root, Env.Of(("HANDLER_PATHS", "[{path: /b, method: GET, exec: [mpc]}]")));
        fromEnvironment.Load("handler");

        Assert.Equal($"config-server values: handler.paths[0].exec[0] (used by handler.yml): {UnknownHandler}",
            fromServer.Attribute([ReaderProblem("paths[0].exec[0]")])[0].ToString());
        Assert.Equal($"environment variable HANDLER_PATHS: [0].exec[0] (used by handler.yml): {UnknownHandler}",
            fromEnvironment.Attribute([ReaderProblem("paths[0].exec[0]")])[0].ToString());
    }

    [Fact]
    public void A_values_entry_that_uses_another_value_names_the_innermost_key()
    {
        using var root = new TempConfigRoot();
        var values = root.Write(ConfigLayer.Local, "values.yml", "handler.paths: [{path: /b, method: GET, exec: ['${my.chain}']}]\nmy.chain: mpc\n");
        var loader = Loader(root);
        loader.Load("handler");

        Assert.Equal($"{values}: my.chain (used by handler.yml): {UnknownHandler}", loader.Attribute([ReaderProblem("paths[0].exec[0]")])[0].ToString());
        Assert.Equal($"{values}: handler.paths[0].method (used by handler.yml): {UnknownHandler}", loader.Attribute([ReaderProblem("paths[0].method")])[0].ToString());
    }

    [Fact]
    public void Problems_in_what_the_file_itself_holds_keep_naming_the_file()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "values.yml", "handler.label: y\nhandler.paths: []\n");
        var loader = Loader(root);
        loader.Load("handler");

        // A default from the template, text around an embedded placeholder, a literal, a key above the placeholder.
        foreach (var key in new[] { "basePath", "label", "fixed[1]" })
        {
            var problem = loader.Attribute([ReaderProblem(key)])[0];
            Assert.Equal($"handler.yml: {key}: {UnknownHandler} (line 3)", problem.ToString());
        }

        Assert.Equal("other.yml: paths[0]: x", loader.Attribute([new ConfigProblem("x", "other.yml", "paths[0]")])[0].ToString());
    }
}
