namespace LightFabric.Gateway.Handlers;

/// <summary>
/// A handler that holds live resources (upstream connections, child processes). The gateway activates it
/// only when its model is about to serve, and retires it when the model is replaced or the gateway stops.
/// </summary>
public interface IActivatableHandler
{
    /// <summary>Throws <see cref="LightFabric.Config.ConfigException"/> when the handler cannot serve.</summary>
    Task ActivateAsync(CancellationToken cancellationToken);

    ValueTask RetireAsync();
}
