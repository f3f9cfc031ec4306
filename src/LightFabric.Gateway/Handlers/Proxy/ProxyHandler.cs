using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>
/// The <c>proxy</c> terminal handler (proxy.yml): a fixed reverse proxy to the configured hosts, round-robin.
/// With <c>enabled: false</c> it passes the request on, like every other handler that is switched off.
/// </summary>
public sealed class ProxyHandler : IGatewayHandler, IActivatableHandler
{
    public static readonly HandlerDescriptor Descriptor = new("proxy", [], "proxy", Create);

    private readonly ProxySettings _settings;
    private readonly ProxyClient _client;
    private readonly ProxyForwarder _forwarder;

    internal ProxyHandler(ProxySettings settings, ILogger logger)
    {
        _settings = settings;
        _client = new ProxyClient(settings);
        _forwarder = new ProxyForwarder(settings, logger);
    }

    public string Id => "proxy";

    public ProxySettings Settings => _settings;

    private static IGatewayHandler Create(HandlerBuildContext context)
    {
        var settings = ProxySettings.Read(context);
        if (settings is null)
        {
            // The problems are reported; this model is never served.
            return new CompatibilityHandler("proxy");
        }

        var logger = context.LoggerFactory.CreateLogger("LightFabric.Gateway.Proxy");
        if (settings.MetricsInjection)
        {
            logger.LogWarning("proxy.yml metricsInjection is true, but this light-gateway build has no metrics handler; it is ignored");
        }

        return new ProxyHandler(settings, logger);
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!_settings.Enabled)
        {
            return HandlerOutcome.Continue;
        }

        var lease = _client;
        if (!lease.TryAcquire(out var client))
        {
            // A request that was still in earlier handlers (e.g. fetching signing keys) when a reload drained this
            // generation: it started on this configuration, so it is served with it, on a client of its own.
            lease = new ProxyClient(_settings);
            lease.TryAcquire(out client);
            lease.Retire();
        }

        try
        {
            await _forwarder.ForwardAsync(exchange.Http, client).ConfigureAwait(false);
        }
        finally
        {
            lease.Release();
        }

        return HandlerOutcome.Completed;
    }

    public Task ActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask RetireAsync()
    {
        _client.Retire();
        return ValueTask.CompletedTask;
    }
}
