namespace LightFabric.Gateway.Handlers;

/// <summary>
/// One step of a handler chain. Instances are immutable and belong to one runtime model; a reload builds
/// new ones, so in-flight requests finish with the handlers they started with.
/// </summary>
public interface IGatewayHandler
{
    string Id { get; }

    ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange);
}
