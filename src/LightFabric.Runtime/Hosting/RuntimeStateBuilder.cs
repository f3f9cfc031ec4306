using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Logging;
using LightFabric.Runtime.Modules;

namespace LightFabric.Runtime.Hosting;

/// <summary>
/// Turns a bootstrapped configuration into a validated runtime state: server.yml, the service's model and the module
/// list, with unknown keys as warnings (or problems under <c>--strict</c>). Every problem is collected before one
/// <see cref="ConfigException"/> is thrown, so a user sees them all at once.
/// </summary>
internal sealed class RuntimeStateBuilder<TModel>(IRuntimeModelBuilder<TModel> builder, RuntimeOptions options)
    where TModel : class
{
    public const string ServerModuleId = "light-runtime/server";
    public const string LoggingModuleId = "runtime/logging";

    public (RuntimeState<TModel> State, ServerConfig Server) Build(RuntimeConfiguration configuration)
    {
        var problems = new List<ConfigProblem>();
        var serverFile = configuration.Loader.TryLoad("server");
        var server = new ServerConfig();
        try
        {
            server = serverFile?.Bind<ServerConfig>() ?? server;
        }
        catch (ConfigException ex)
        {
            problems.AddRange(ex.Problems);
        }

        problems.AddRange(server.Validate().Select(m => new ConfigProblem(m, "server.yml", null)));

        // Unknown keys: warnings, or problems when strict.
        var warnings = new List<ConfigProblem>(ValuesKeyCheck.Find(configuration.Loader.Sources, configuration.Loader.Values));
        if (serverFile is not null)
        {
            warnings.AddRange(ConfigKeys.For<ServerConfig>().FindUnknown(serverFile.Values, serverFile.FileName));
        }

        RuntimeModelBuild<TModel>? build = null;
        try
        {
            build = builder.Build(configuration);
            warnings.AddRange(build.Warnings);
        }
        catch (ConfigException ex)
        {
            problems.AddRange(ex.Problems);
        }

        var attributedWarnings = configuration.Loader.Attribute(warnings).DistinctBy(w => w.ToString()).ToArray();
        if (options.StrictConfig)
        {
            problems.AddRange(attributedWarnings);
        }

        if (problems.Count > 0 || build is null)
        {
            throw new ConfigException(configuration.Loader.Attribute(problems));
        }

        var modules = new List<ModuleInfo>();
        if (serverFile is not null)
        {
            modules.Add(ModuleInfo.FromConfig(ServerModuleId, serverFile, reloadable: false));
        }

        modules.Add(ModuleInfo.Builtin(LoggingModuleId, new JsonObject
        {
            ["filter"] = StartupLogFilter.From(options, configuration).Text,
            ["format"] = options.LogFormat.ToString().ToLowerInvariant(),
        }));
        modules.AddRange(build.Modules);
        return (new RuntimeState<TModel>(build.Model, configuration, modules) { Warnings = attributedWarnings }, server);
    }
}
