using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Modules;

namespace LightFabric.Runtime.Hosting;

/// <summary>A validated, immutable runtime model and the modules it activated.</summary>
public sealed record RuntimeModelBuild<TModel>(TModel Model, IReadOnlyList<ModuleInfo> Modules)
    where TModel : class
{
    /// <summary>
    /// What is suspicious but not wrong (unknown keys): logged at start and reload, errors under
    /// <see cref="RuntimeOptions.StrictConfig"/>.
    /// </summary>
    public IReadOnlyList<LightFabric.Config.ConfigProblem> Warnings { get; init; } = [];
}

/// <summary>
/// Builds an application's runtime model from configuration. Must either return a fully validated model
/// or throw <see cref="LightFabric.Config.ConfigException"/> listing every problem; never a half-built one.
/// </summary>
public interface IRuntimeModelBuilder<TModel>
    where TModel : class
{
    RuntimeModelBuild<TModel> Build(RuntimeConfiguration configuration);
}

/// <summary>
/// Optional companion of a model builder for models that hold live resources (connections, child
/// processes). Building stays side-effect free (validate-config builds too); activation happens only for
/// a model about to serve, and retirement once it no longer does.
/// </summary>
public interface IRuntimeModelActivator<TModel>
    where TModel : class
{
    /// <summary>
    /// Prepares a built model to serve. Throws <see cref="LightFabric.Config.ConfigException"/> when it cannot;
    /// the model is then retired and, on reload, the last good one keeps serving.
    /// </summary>
    Task ActivateAsync(TModel model, CancellationToken cancellationToken);

    /// <summary>The model no longer serves: replaced by a reload, failed activation, or the runtime stopped.</summary>
    ValueTask RetireAsync(TModel model);
}
