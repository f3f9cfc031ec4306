using LightFabric.Governance.Audit;
using LightFabric.Governance.Calls;
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
    private readonly ILogger _logger;

    internal ProxyHandler(ProxySettings settings, ILogger logger)
    {
        _settings = settings;
        _client = new ProxyClient(settings);
        _forwarder = new ProxyForwarder(settings, logger);
        _logger = logger;
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
            if (exchange.Governance.IsEmpty)
            {
                await _forwarder.ForwardAsync(exchange.Http, client).ConfigureAwait(false);
            }
            else
            {
                await ForwardGovernedAsync(exchange, client).ConfigureAwait(false);
            }
        }
        finally
        {
            lease.Release();
        }

        return HandlerOutcome.Completed;
    }

    /// <summary>
    /// The request as a governed call: the chain's policies (budget) decide before it is forwarded, settle after (a
    /// request no host received is refunded), and the recorders (audit) get it.
    /// </summary>
    private async Task ForwardGovernedAsync(GatewayExchange exchange, HttpClient client)
    {
        var call = GovernedHttpCalls.Create(exchange);
        try
        {
            await exchange.Governance.RunAsync(call, async (c, _) =>
            {
                exchange.OnResponse(response => GovernedHttpCalls.WriteReceipt(response, c));
                var result = await _forwarder.ForwardAsync(exchange.Http, client).ConfigureAwait(false);
                c.Upstream = result.Target;
                c.UpstreamReceived = result.Outcome is not (ForwardOutcome.Unreachable or ForwardOutcome.BadRequest);
                return result;
            }, OutcomeOf, _ => CallOutcome.UpstreamError, exchange.Http.RequestAborted).ConfigureAwait(false);
        }
        catch (CallDeniedException denied)
        {
            await GovernedHttpCalls.RefuseAsync(exchange, call, denied.Decision).ConfigureAwait(false);
        }
        catch (AuditWriteException ex)
        {
            // Strict audit: the exchange must not end as answered. The body streamed as it arrived, so once the answer
            // has started the connection is broken instead.
            _logger.LogError("The audit record of {Method} {Path} could not be written ({AuditPath}): {Message} (audit.yml durability strict)",
                exchange.Http.Request.Method, exchange.Path, ex.Path, ex.Message);
            if (exchange.Http.Response.HasStarted)
            {
                exchange.Http.Abort();
            }
            else
            {
                await GatewayError.WriteAsync(exchange.Http, StatusCodes.Status503ServiceUnavailable, "AUDIT_UNAVAILABLE", "Audit unavailable",
                    "The audit trail cannot be written and audit.yml durability is strict, so the answer is withheld; the gateway log has the reason.")
                    .ConfigureAwait(false);
            }
        }
    }

    private static CallOutcome OutcomeOf(ForwardResult result) => result.Outcome switch
    {
        ForwardOutcome.Answered => result.Status >= 400 ? CallOutcome.ToolError : CallOutcome.Ok,
        ForwardOutcome.TimedOut => CallOutcome.Timeout,
        ForwardOutcome.ClientLeft => CallOutcome.Cancelled,
        _ => CallOutcome.UpstreamError,
    };

    public Task ActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask RetireAsync()
    {
        _client.Retire();
        return ValueTask.CompletedTask;
    }
}
