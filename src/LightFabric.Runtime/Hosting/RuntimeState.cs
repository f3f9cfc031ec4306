using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Modules;

namespace LightFabric.Runtime.Hosting;

/// <summary>The live model with the configuration it was built from; swapped whole on reload.</summary>
public sealed record RuntimeState<TModel>(TModel Model, RuntimeConfiguration Configuration, IReadOnlyList<ModuleInfo> Modules)
    where TModel : class;
