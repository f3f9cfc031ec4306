using LightFabric.Config;
using LightFabric.Gateway.Cli;
using LightFabric.Gateway.Handlers;
using LightFabric.Gateway.Hosting;
using LightFabric.Mcp.Routing;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Gateway.Tests;

/// <summary>Typos in module files and values.yml are reported with the file, the key path and the nearest known key.</summary>
public sealed class UnknownKeyTests
{
    [Fact]
    public async Task Typos_in_module_files_are_warnings_with_the_nearest_key_at_every_depth()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("handler.yml", """
            handlers: [mcp, cors]
            path:
              - {path: /mcp, method: POST, exec: [mcp]}
            paths:
              - {path: /mcp, method: POST, exec: [mcp, cors], exce: [x]}
            """);
        dir.WriteConfig("mcp-router.yml", """
            server:
              - {name: a, transport: stdio, command: [node]}
            servers:
              - {name: b, transport: stdio, comand: [node], command: [node], tools: {includ: [x]}}
            tools:
              - {name: t, targetHost: "http://127.0.0.1:9", path: /t, method: GET, inputSchema: {type: object, anyKeyInASchema: 1}}
            """);
        dir.WriteConfig("cors.yml", "enabled: true\nallowedOrigin: [http://x]\npathPrefixAllowed: {/api: {allowedOrigins: [http://y], allowedMethod: [GET]}}\n");

        var build = await GatewayTestHost.BuildResultAsync(dir);

        Assert.Equal(
            [
                "handler.yml: path: unknown key; did you mean paths?",
                "handler.yml: paths[0].exce: unknown key; did you mean exec?",
                "mcp-router.yml: server: unknown key; did you mean servers?",
                "mcp-router.yml: servers[0].comand: unknown key; did you mean command?",
                "mcp-router.yml: servers[0].tools.includ: unknown key; did you mean include?",
                "cors.yml: allowedOrigin: unknown key; did you mean allowedOrigins?",
                "cors.yml: pathPrefixAllowed./api.allowedMethod: unknown key; did you mean allowedMethods?",
            ],
            build.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public async Task An_unknown_key_inside_a_value_from_values_yml_names_values_yml()
    {
        using var dir = new TempDirectory();
        var values = dir.WriteConfig("values.yml", Mcp.McpGatewayConfig.Chains + """

            mcp-router.servers:
              - {name: a, transport: stdio, command: [node], comand: [node]}
            """);

        var warning = Assert.Single((await GatewayTestHost.BuildResultAsync(dir)).Warnings);

        Assert.Equal($"{values}: mcp-router.servers[0].comand (used by mcp-router.yml): unknown key; did you mean command?", warning.ToString());
    }

    [Fact]
    public async Task Every_embedded_template_has_only_known_keys()
    {
        using var dir = new TempDirectory();
        var configuration = await new ConfigBootstrapper(GatewayRuntime.EmbeddedDefaults, dir.Path, new DictionaryEnvironment(new Dictionary<string, string>()), NullLogger.Instance)
            .BootstrapAsync(allowRemote: false, CancellationToken.None);
        var registry = HandlerRegistry.CreateDefault(new McpRouterHost(NullLoggerFactory.Instance));
        var checkedFiles = new List<string>();
        foreach (var descriptor in registry.Descriptors.Where(d => d.ConfigFile is not null))
        {
            Assert.True(descriptor.Keys is not null || descriptor.Id == "proxy", $"{descriptor.Id} declares no keys");
            if (descriptor.Keys is null)
            {
                continue;
            }

            var file = configuration.Loader.Load(descriptor.ConfigFile!);
            Assert.Empty(descriptor.Keys.FindUnknown(file.Values, file.FileName));
            checkedFiles.Add(file.FileName);
        }

        Assert.Empty(Chains.HandlerFileModel.Keys.FindUnknown(configuration.Loader.Load("handler").Values, "handler.yml"));
        Assert.Empty(LightFabric.Gateway.Security.OAuthKeyConfig.ClientFileKeys.FindUnknown(configuration.Loader.Load("client").Values, "client.yml"));
        // The runtime's view of client.yml is part of the gateway's.
        Assert.Empty(LightFabric.Gateway.Security.OAuthKeyConfig.ClientFileKeys.FindUnknown(ConfigYaml.Parse("tls: {caCertPath: a, verifyHostname: true}", "client.yml"), "client.yml"));
        Assert.Empty(ConfigKeys.For<ServerConfig>().FindUnknown(configuration.Loader.Load("server").Values, "server.yml"));
        Assert.Contains("mcp-router.yml", checkedFiles);
    }

    [Fact]
    public async Task Validate_config_warns_about_values_typos_and_strict_makes_them_errors()
    {
        using var dir = new TempDirectory();
        var values = dir.WriteConfig("values.yml", """
            handler.handlers: [health]
            handler.path: [{path: /h, method: GET, exec: [health]}]
            mcp-router.server: [{name: a, transport: stdio, command: [node]}]
            """);

        var (code, stdout, stderr) = await RunAsync("validate-config", "--local-only", "--dir", dir.Path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("configuration is valid", stdout);
        Assert.Contains($"warning: {values}: handler.path: unknown key: no placeholder ${{handler.path}} in handler.yml or any other file, so this value is not used; did you mean handler.paths?", stderr);
        Assert.Contains($"warning: {values}: mcp-router.server: unknown key", stderr);
        Assert.Contains("did you mean mcp-router.servers?", stderr);

        var (strictCode, _, strictErr) = await RunAsync("validate-config", "--local-only", "--strict", "--dir", dir.Path);
        Assert.Equal(ExitCodes.InvalidConfig, strictCode);
        Assert.Contains("configuration is invalid (2 problems)", strictErr);
        Assert.Contains($"  - {values}: handler.path: unknown key", strictErr);
    }

    [Theory]
    [InlineData("validate-config")]
    [InlineData("run")]
    public async Task A_dir_that_does_not_exist_is_one_line_and_a_usage_exit_code(string command)
    {
        var missing = Path.Combine(Path.GetTempPath(), "lf-missing-" + Guid.NewGuid().ToString("N"));

        var (code, _, stderr) = await RunAsync(command, "--dir", missing);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal($"light-gateway: --dir '{missing}' does not exist", stderr.Trim());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await GatewayCommandLine.RunAsync(args, stdout, stderr, new DictionaryEnvironment(new Dictionary<string, string>()));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
