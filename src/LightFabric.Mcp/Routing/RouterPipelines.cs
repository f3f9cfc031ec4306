using System.Runtime.CompilerServices;
using LightFabric.Governance.Calls;

namespace LightFabric.Mcp.Routing;

/// <summary>The router's own steps before each chain's: one composed pipeline per chain pipeline of this generation.</summary>
internal sealed class RouterPipelines(ICallStep[] routerSteps)
{
    private readonly ConditionalWeakTable<CallPipeline, CallPipeline> _composed = [];

    public CallPipeline For(CallPipeline chain) =>
        _composed.TryGetValue(chain, out var composed) ? composed : _composed.GetValue(chain, c => c.WithFirst(routerSteps));
}
