using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Modules;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Chains;

/// <summary>
/// handler.yml → validated <see cref="GatewayModel"/>. Only handlers referenced by paths or defaultHandlers
/// (after chain expansion) are created, and only their config files are read.
/// </summary>
public sealed class GatewayModelBuilder(HandlerRegistry registry, ILoggerFactory loggerFactory, IAsyncDisposable? sharedState = null, TimeProvider? time = null)
    : IRuntimeModelBuilder<GatewayModel>, IRuntimeModelActivator<GatewayModel>, IAsyncDisposable
{
    public const string ModulePrefix = "light-gateway/";

    private readonly ILogger _logger = loggerFactory.CreateLogger("LightFabric.Gateway.Chains");
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // One per gateway, not per model: a reload keeps the log budget.
    private readonly ClientFaultLog _clientFaults =
        new(loggerFactory.CreateLogger("LightFabric.Gateway.Requests"), time ?? TimeProvider.System, ClientFaultLog.DefaultInterval);

    public RuntimeModelBuild<GatewayModel> Build(RuntimeConfiguration configuration)
    {
        var loader = configuration.Loader;
        var problems = new List<ConfigProblem>();
        var warnings = new List<ConfigProblem>();
        var handlerFile = loader.TryLoad("handler");
        if (handlerFile is not null)
        {
            warnings.AddRange(HandlerFileModel.Keys.FindUnknown(handlerFile.Values, handlerFile.FileName));
        }

        var file = handlerFile is null ? new HandlerFileModel() : HandlerFileModel.Parse(handlerFile.Values, problems);
        if (!file.Enabled)
        {
            _logger.LogWarning("handler.yml enabled is false: no handler chain runs; every request except /health gets 404");
            file = file with { Paths = [], DefaultHandlers = [] };
        }

        var expander = new ChainExpander(file.Chains, registry);
        ValidateDeclarations(file, expander, problems);

        var routeIds = new List<(HandlerPathEntry Entry, PathTemplate? Template, IReadOnlyList<string> Ids)>();
        foreach (var entry in file.Paths)
        {
            PathTemplate? template = null;
            if (!PathTemplate.TryParse(entry.Path, out var parsed, out var error))
            {
                problems.Add(new ConfigProblem(error, HandlerFileModel.FileName, $"{entry.Key}.path"));
            }
            else
            {
                template = parsed;
            }

            routeIds.Add((entry, template, expander.Expand(entry.Exec, $"{entry.Key}.exec", problems)));
        }

        var defaultIds = expander.Expand(file.DefaultHandlers, "defaultHandlers", problems);

        // Instantiate each referenced handler once; chains share the instance.
        var active = new Dictionary<string, IGatewayHandler>(StringComparer.Ordinal);
        var modules = new List<ModuleInfo>();
        if (handlerFile is not null)
        {
            modules.Add(ToModule("handler", handlerFile));
        }

        var byReference = new Dictionary<string, IGatewayHandler>(StringComparer.Ordinal);
        foreach (var id in routeIds.SelectMany(r => r.Ids).Concat(defaultIds).Distinct())
        {
            var canonical = registry.TryGet(id, out var descriptor) ? descriptor.Id : id;
            if (!active.TryGetValue(canonical, out var handler))
            {
                handler = CreateHandler(id, loader, modules, problems, warnings);
                active[canonical] = handler;
            }

            byReference[id] = handler;
        }

        if (problems.Count > 0)
        {
            throw new ConfigException(Deduplicate(loader.Attribute(problems)));
        }

        var routes = routeIds
            .Select(r =>
            {
                var handlers = r.Ids.Select(id => byReference[id]).ToArray();
                return new GatewayRoute(r.Template!, r.Entry.Method, handlers, GatewayRoute.GovernanceOf(handlers, _time));
            })
            .ToArray();
        var defaults = defaultIds.Select(id => byReference[id]).ToArray();
        var model = new GatewayModel(file.BasePath, routes, defaults, active, file.Chains, _clientFaults, GatewayRoute.GovernanceOf(defaults, _time));
        return new RuntimeModelBuild<GatewayModel>(model, modules) { Warnings = Deduplicate(loader.Attribute(warnings)) };
    }

    /// <summary>Activates the handlers that hold live resources, in parallel; all or none stay active.</summary>
    public async Task ActivateAsync(GatewayModel model, CancellationToken cancellationToken)
    {
        var handlers = model.ActiveHandlers.Values.OfType<IActivatableHandler>().ToArray();
        var results = await Task.WhenAll(handlers.Select(async h =>
        {
            try
            {
                await h.ActivateAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (ConfigException ex)
            {
                return ex.Problems;
            }
        })).ConfigureAwait(false);

        var problems = results.Where(r => r is not null).SelectMany(r => r!).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigException(problems);
        }
    }

    public async ValueTask RetireAsync(GatewayModel model)
    {
        foreach (var handler in model.ActiveHandlers.Values.OfType<IActivatableHandler>())
        {
            await handler.RetireAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases what handlers share across models (MCP sessions, upstream servers).</summary>
    public ValueTask DisposeAsync() => sharedState?.DisposeAsync() ?? ValueTask.CompletedTask;

    private void ValidateDeclarations(HandlerFileModel file, ChainExpander expander, List<ConfigProblem> problems)
    {
        for (var i = 0; i < file.Handlers.Count; i++)
        {
            if (registry.Unavailable(file.Handlers[i]) is { } reason)
            {
                problems.Add(new ConfigProblem(reason, HandlerFileModel.FileName, $"handlers[{i}]"));
            }
        }

        // Every chain must expand, referenced or not: a broken chain is a broken config.
        foreach (var name in file.Chains.Keys)
        {
            expander.ExpandChain(name, $"chains.{name}", problems);
        }
    }

    private IGatewayHandler CreateHandler(string id, ConfigLoader loader, List<ModuleInfo> modules, List<ConfigProblem> problems, List<ConfigProblem> warnings)
    {
        if (HandlerRegistry.CompatibilityIds.Contains(id))
        {
            _logger.LogWarning("handler.yml references '{HandlerId}', kept for compatibility only: it does nothing in light-gateway", id);
            return new CompatibilityHandler(id);
        }

        registry.TryGet(id, out var descriptor);
        LoadedConfig? config = null;
        if (descriptor.ConfigFile is { } configFile)
        {
            try
            {
                config = loader.TryLoad(configFile);
                if (config is not null && !modules.Exists(m => m.Id == ModulePrefix + descriptor.Id))
                {
                    modules.Add(ToModule(descriptor.Id, config));
                    CheckKeys(config, descriptor.Keys, warnings);
                }
            }
            catch (ConfigException ex)
            {
                problems.AddRange(ex.Problems);
                return new CompatibilityHandler(id);
            }
        }
        else
        {
            modules.Add(ModuleInfo.Builtin(ModulePrefix + descriptor.Id, null));
        }

        try
        {
            return descriptor.Factory(new HandlerBuildContext(descriptor.Id, config, loggerFactory, problems, LoadDependency, time));
        }
        catch (ConfigException ex)
        {
            problems.AddRange(ex.Problems);
            return new CompatibilityHandler(id);
        }

        // A file the handler is built from besides its own (rule.yml, client.yml) is listed as a module too, so the
        // module registry and the reload report show it and a change to it alone counts as a change.
        LoadedConfig? LoadDependency(string name)
        {
            var dependency = loader.TryLoad(name);
            if (dependency is not null && !modules.Exists(m => m.Id == ModulePrefix + name))
            {
                modules.Add(ToModule(name, dependency));
                CheckKeys(dependency, KeysOfFile(name), warnings);
            }

            return dependency;
        }
    }

    private static void CheckKeys(LoadedConfig config, ConfigKeys? keys, List<ConfigProblem> warnings)
    {
        if (keys is not null)
        {
            warnings.AddRange(keys.FindUnknown(config.Values, config.FileName));
        }
    }

    /// <summary>The keys of a file a handler reads besides its own: another handler's file, or client.yml.</summary>
    private ConfigKeys? KeysOfFile(string name) =>
        registry.Descriptors.FirstOrDefault(d => d.ConfigFile == name && d.Keys is not null)?.Keys
        ?? (name == "client" ? Security.OAuthKeyConfig.ClientFileKeys : null);

    private static ModuleInfo ToModule(string name, LoadedConfig config) => ModuleInfo.FromConfig(ModulePrefix + name, config);

    private static List<ConfigProblem> Deduplicate(IEnumerable<ConfigProblem> problems) =>
        problems.DistinctBy(p => p.ToString()).ToList();
}
