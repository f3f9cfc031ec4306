using LightFabric.Governance.Calls;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// Per-request state shared by the handlers of one chain (the seed's GatewayRequestContext).
/// </summary>
public sealed class GatewayExchange
{
    private List<Action<HttpResponse>>? _responseActions;
    private List<Func<GatewayExchange, bool, ValueTask>>? _afterChain;

    public GatewayExchange(HttpContext http, string path, string endpoint, IReadOnlyDictionary<string, string>? pathParameters)
    {
        Http = http;
        Path = path;
        Endpoint = endpoint;
        PathParameters = pathParameters ?? EmptyParameters;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyParameters = new Dictionary<string, string>();

    public HttpContext Http { get; }

    /// <summary>The request path with handler.yml basePath removed.</summary>
    public string Path { get; }

    /// <summary><c>{path}@{method}</c> of the matched handler.yml entry, or the request path for default chains.</summary>
    public string Endpoint { get; }

    public IReadOnlyDictionary<string, string> PathParameters { get; }

    public string? CorrelationId { get; set; }

    public string? TraceabilityId { get; set; }

    /// <summary>The call pipeline of this request's chain, which its terminal handler runs for each governed call.</summary>
    public CallPipeline Governance { get; init; } = CallPipeline.Empty;

    /// <summary>Decisions chain handlers made on this request before its terminal handler (access-control), for the audit record.</summary>
    public List<StepDecision>? Decisions { get; private set; }

    public void Record(StepDecision decision) => (Decisions ??= []).Add(decision);

    /// <summary>
    /// Registers a change to the response headers, applied just before the response starts, whichever
    /// handler (local, static or proxied) produced it.
    /// </summary>
    public void OnResponse(Action<HttpResponse> action)
    {
        if (_responseActions is null)
        {
            _responseActions = [];
            Http.Response.OnStarting(static state =>
            {
                var exchange = (GatewayExchange)state;
                foreach (var act in exchange._responseActions!)
                {
                    act(exchange.Http.Response);
                }

                return Task.CompletedTask;
            }, this);
        }

        _responseActions.Add(action);
    }

    /// <summary>
    /// Registers a step that runs once the chain has finished (the terminal handler has produced its response),
    /// latest registered first — how a handler that buffered the response body (a response filter) gets it back.
    /// The flag says whether the chain ended with an exception; the step then only restores what it changed.
    /// </summary>
    public void AfterChain(Func<GatewayExchange, bool, ValueTask> step) => (_afterChain ??= []).Add(step);

    internal bool HasAfterChainSteps => _afterChain is { Count: > 0 };

    internal async ValueTask RunAfterChainAsync(bool faulted)
    {
        for (var i = _afterChain!.Count - 1; i >= 0; i--)
        {
            await _afterChain[i](this, faulted).ConfigureAwait(false);
        }
    }
}
