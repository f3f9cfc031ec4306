using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Modules;

namespace LightFabric.Runtime.Hosting;

/// <summary>The live model with the configuration it was built from; swapped whole on reload.</summary>
public sealed record RuntimeState<TModel>(TModel Model, RuntimeConfiguration Configuration, IReadOnlyList<ModuleInfo> Modules)
    where TModel : class
{
    /// <summary>Unknown keys and other warnings found while building this model.</summary>
    public IReadOnlyList<LightFabric.Config.ConfigProblem> Warnings { get; init; } = [];
}
