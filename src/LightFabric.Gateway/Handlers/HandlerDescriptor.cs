namespace LightFabric.Gateway.Handlers;

/// <summary>
/// Makes a handler available under a stable short id. Registration only makes it available; handler.yml
/// activates it, and only then is its config file read and the factory called.
/// </summary>
/// <param name="Id">Canonical id, also the module name (<c>light-gateway/{Id}</c>).</param>
/// <param name="Aliases">Other ids accepted in handler.yml for the same handler.</param>
/// <param name="ConfigFile">Base name of its config file (<c>cors</c> for cors.yml), or null.</param>
public sealed record HandlerDescriptor(
    string Id,
    IReadOnlyList<string> Aliases,
    string? ConfigFile,
    Func<HandlerBuildContext, IGatewayHandler> Factory)
{
    /// <summary>
    /// The keys its config file may hold (from the record it binds, or declared by its reader); others are
    /// reported as unknown with the nearest known key. Null: the file is not checked.
    /// </summary>
    public LightFabric.Config.ConfigKeys? Keys { get; init; }
}
