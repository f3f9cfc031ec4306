using LightFabric.Gateway.Handlers;
using LightFabric.Governance.Calls;

namespace LightFabric.Gateway.Chains;

/// <summary>A handler.yml path entry resolved to its handlers.</summary>
/// <param name="Governance">The call pipeline of its chain: the steps and recorders of its governing handlers, in chain order.</param>
public sealed record GatewayRoute(PathTemplate Template, string Method, IGatewayHandler[] Handlers, CallPipeline Governance)
{
    /// <summary>The call pipeline of a chain: its governing handlers' steps and recorders, in chain order.</summary>
    public static CallPipeline GovernanceOf(IEnumerable<IGatewayHandler> handlers, TimeProvider time)
    {
        var governing = handlers.OfType<IGoverningHandler>().ToArray();
        return governing.Length == 0
            ? CallPipeline.Empty
            : new CallPipeline(governing.Select(h => h.Step).OfType<ICallStep>(), governing.Select(h => h.Recorder).OfType<ICallRecorder>(), time);
    }

    /// <summary>The endpoint key rules and audit use: <c>{path}@{method}</c> with the method lower-cased.</summary>
    public string Endpoint { get; } = $"{Template.Text}@{Method.ToLowerInvariant()}";
}
