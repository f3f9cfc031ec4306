using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Modules;

namespace LightFabric.Runtime.Hosting;

/// <summary>A validated, immutable runtime model and the modules it activated.</summary>
public sealed record RuntimeModelBuild<TModel>(TModel Model, IReadOnlyList<ModuleInfo> Modules)
    where TModel : class;

/// <summary>
/// Builds an application's runtime model from configuration. Must either return a fully validated model
/// or throw <see cref="LightFabric.Config.ConfigException"/> listing every problem; never a half-built one.
/// </summary>
public interface IRuntimeModelBuilder<TModel>
    where TModel : class
{
    RuntimeModelBuild<TModel> Build(RuntimeConfiguration configuration);
}
