using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// Per-request state shared by the handlers of one chain (the seed's GatewayRequestContext).
/// </summary>
public sealed class GatewayExchange
{
    private List<Action<HttpResponse>>? _responseActions;

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
}
