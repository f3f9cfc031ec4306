using LightFabric.Config;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Handlers;
using LightFabric.Gateway.Handlers.Audit;
using LightFabric.Gateway.Handlers.Budget;
using LightFabric.Gateway.Handlers.Mcp;
using LightFabric.Mcp.Routing;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Logging;

namespace LightFabric.Gateway.Hosting;

/// <summary>Assembles light-gateway: its embedded defaults, handler registry and request dispatcher on the runtime.</summary>
public static class GatewayRuntime
{
    public const string ServiceName = "light-gateway";

    public static IEmbeddedConfigSource EmbeddedDefaults { get; } = new AssemblyEmbeddedConfig(typeof(GatewayRuntime).Assembly);

    public static RuntimeOptions DefaultOptions(string rootDirectory, IEnvironmentReader environment)
    {
        var (filterText, source) = LoggingControl.SelectStartupFilter(environment.Get, null);
        var filter = LogFilter.TryParse(filterText, out var parsed, out _) ? parsed : LogFilter.Default;
        return new RuntimeOptions
        {
            ServiceName = ServiceName,
            RootDirectory = rootDirectory,
            EmbeddedConfig = EmbeddedDefaults,
            Environment = environment,
            Logging = new LoggingControl(filter, source),
            LogFormat = LoggingSetup.ReadFormat(environment.Get),
        };
    }

    public static LightRuntime<GatewayModel> Create(RuntimeOptions options) =>
        new(options,
            loggerFactory =>
            {
                var shared = new SharedHandlerState(new McpRouterHost(loggerFactory, options.TimeProvider), new BudgetLedgers(options.TimeProvider),
                    new AuditWriters(loggerFactory, options.TimeProvider));
                return new GatewayModelBuilder(shared.CreateRegistry(), loggerFactory, shared, options.TimeProvider);
            },
            GatewayRequestDispatcher.DispatchAsync,
            Upstreams);

    /// <summary>The upstream MCP servers of the model's mcp handler, for /health/ready.</summary>
    private static IReadOnlyList<UpstreamHealth> Upstreams(GatewayModel model) =>
        model.ActiveHandlers.Values.OfType<McpHandler>()
            .SelectMany(h => h.Router.Upstreams())
            .Select(u => new UpstreamHealth(u.Name, u.Status.ToString().ToLowerInvariant(), u.Required, u.Reason, u.StartupWaitEndsAt))
            .ToArray();
}
