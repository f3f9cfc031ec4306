using LightFabric.Config;
using LightFabric.Gateway.Handlers.Mcp.Config;
using LightFabric.Mcp.AspNetCore;
using LightFabric.Mcp.Routing;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>
/// The <c>mcp</c> terminal handler: serves MCP Streamable HTTP on mcp-router.yml <c>path</c> and passes any
/// other path to the next handler. Sessions and running upstream servers live in the process-wide
/// <see cref="McpRouterHost"/>, so a reload keeps them.
/// </summary>
public sealed class McpHandler : IGatewayHandler, IActivatableHandler
{
    private readonly McpRouter _router;
    private readonly StreamableHttpEndpoint _endpoint;
    private readonly LegacySseEndpoint _legacy;

    private McpHandler(McpRouter router, McpRouterHost host)
    {
        _router = router;
        var settings = router.Settings;
        var logger = host.LoggerFactory.CreateLogger("LightFabric.Mcp.Transport");
        _endpoint = new StreamableHttpEndpoint(
            new StreamableHttpOptions
            {
                MaxRequestBodyBytes = settings.MaxRequestBodyBytes,
                MaxJsonDepth = settings.MaxJsonDepth,
                OriginAllowlist = settings.OriginAllowlist,
                DnsRebindingProtection = settings.DnsRebindingProtection,
                StatelessEnabled = settings.StatelessEnabled,
                AllowedHosts = settings.AllowedHosts,
            },
            host.Sessions,
            router,
            logger);
        _legacy = new LegacySseEndpoint(_endpoint.Options, host.Sessions, router, _endpoint, logger);
    }

    public string Id => "mcp";

    public McpRouter Router => _router;

    public static HandlerDescriptor Descriptor(McpRouterHost host) => new("mcp", ["mcp-router"], "mcp-router", context => Create(context, host))
    {
        Keys = McpRouterConfigReader.Keys,
    };

    private static McpHandler Create(HandlerBuildContext context, McpRouterHost host)
    {
        var reader = new McpRouterConfigReader(context.Problem);
        var settings = context.Config is null ? new McpRouterSettings() : reader.Read(context.Config.Values, context.Config.SecretPaths);
        return new McpHandler(new McpRouter(settings, host, RuleToolCallPolicy.Create(context)), host);
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        var settings = _router.Settings;
        var path = exchange.Path;
        if (!settings.Enabled || !path.StartsWith(settings.Path, StringComparison.Ordinal))
        {
            return HandlerOutcome.Continue;
        }

        var rest = path.AsSpan(settings.Path.Length);
        var method = exchange.Http.Request.Method;
        if (rest.Length == 0)
        {
            await _endpoint.HandleAsync(exchange.Http, McpCallerIdentity.From(exchange, settings.TrustedProxies)).ConfigureAwait(false);
        }
        else if (rest.SequenceEqual(LegacySseEndpoint.StreamSuffix) && HttpMethods.IsGet(method))
        {
            await _legacy.StreamAsync(exchange.Http, McpCallerIdentity.From(exchange, settings.TrustedProxies)).ConfigureAwait(false);
        }
        else if (rest.SequenceEqual(LegacySseEndpoint.MessagesSuffix) && HttpMethods.IsPost(method))
        {
            await _legacy.MessageAsync(exchange.Http, McpCallerIdentity.From(exchange, settings.TrustedProxies)).ConfigureAwait(false);
        }
        else
        {
            return HandlerOutcome.Continue;
        }

        return HandlerOutcome.Completed;
    }

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (!_router.Settings.Enabled)
        {
            return;
        }

        try
        {
            await _router.ActivateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (McpConfigurationException ex)
        {
            throw new ConfigException(ex.Problems.Select(p => new ConfigProblem(p, McpRouterConfigReader.FileName, "servers")).ToList());
        }
    }

    public ValueTask RetireAsync() => _router.DisposeAsync();
}
