namespace LightFabric.Gateway.Handlers;

/// <summary>Stands in for an id kept only for config compatibility: it lets the request through untouched.</summary>
internal sealed class CompatibilityHandler(string id) : IGatewayHandler
{
    public string Id { get; } = id;

    public ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange) => ValueTask.FromResult(HandlerOutcome.Continue);
}
