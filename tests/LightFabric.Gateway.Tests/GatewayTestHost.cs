using LightFabric.Config;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Handlers;
using LightFabric.Gateway.Hosting;
using LightFabric.Mcp.Routing;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Gateway.Tests;

internal static class GatewayTestHost
{
    /// <summary>Starts a real light-gateway runtime on 127.0.0.1:0 over the given directory.</summary>
    /// <param name="logs">Also receives every log record the runtime's filter lets through.</param>
    public static async Task<(LightRuntime<GatewayModel> Runtime, HttpClient Client)> StartAsync(TempDirectory dir, string values, LogCapture? logs = null)
    {
        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + values);
        var options = GatewayRuntime.DefaultOptions(dir.Path, new DictionaryEnvironment(new Dictionary<string, string>())) with
        {
            IpOverride = "127.0.0.1",
            AllowRemoteBootstrap = false,
            ExtraLoggerProviders = logs is null ? [] : [logs],
        };
        var runtime = GatewayRuntime.Create(options);
        await runtime.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };
        return (runtime, client);
    }

    /// <summary>Like <see cref="StartAsync(TempDirectory, string)"/>, with options of the test's own (a clock, a log capture).</summary>
    public static async Task<(LightRuntime<GatewayModel> Runtime, HttpClient Client)> StartAsync(
        TempDirectory dir, string values, Func<RuntimeOptions, RuntimeOptions> configure)
    {
        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + values);
        var options = configure(GatewayRuntime.DefaultOptions(dir.Path, new DictionaryEnvironment(new Dictionary<string, string>())) with
        {
            IpOverride = "127.0.0.1",
            AllowRemoteBootstrap = false,
        });
        var runtime = GatewayRuntime.Create(options);
        await runtime.StartAsync();
        return (runtime, new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) });
    }

    /// <summary>Builds the gateway model from a directory the way startup does, without listeners.</summary>
    public static async Task<GatewayModel> BuildAsync(TempDirectory dir) => (await BuildResultAsync(dir)).Model;

    /// <summary>The model with its modules and warnings.</summary>
    public static async Task<RuntimeModelBuild<GatewayModel>> BuildResultAsync(TempDirectory dir)
    {
        var bootstrapper = new ConfigBootstrapper(GatewayRuntime.EmbeddedDefaults, dir.Path, new DictionaryEnvironment(new Dictionary<string, string>()), NullLogger.Instance);
        var configuration = await bootstrapper.BootstrapAsync(allowRemote: false, CancellationToken.None);
        return new GatewayModelBuilder(HandlerRegistry.CreateDefault(new McpRouterHost(NullLoggerFactory.Instance)), NullLoggerFactory.Instance).Build(configuration);
    }

    public static async Task<ConfigException> BuildFailsAsync(TempDirectory dir) =>
        await Assert.ThrowsAsync<ConfigException>(() => BuildAsync(dir));
}
