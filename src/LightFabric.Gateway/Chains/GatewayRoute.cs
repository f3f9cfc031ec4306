using LightFabric.Gateway.Handlers;

namespace LightFabric.Gateway.Chains;

/// <summary>A handler.yml path entry resolved to its handlers.</summary>
public sealed record GatewayRoute(PathTemplate Template, string Method, IGatewayHandler[] Handlers)
{
    /// <summary>The endpoint key rules and audit use: <c>{path}@{method}</c> with the method lower-cased.</summary>
    public string Endpoint { get; } = $"{Template.Text}@{Method.ToLowerInvariant()}";
}
