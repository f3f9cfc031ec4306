using LightFabric.Config;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Handlers;

/// <summary>What a handler factory gets: its resolved config file, and a place to report problems.</summary>
public sealed class HandlerBuildContext(
    string handlerId, LoadedConfig? config, ILoggerFactory loggerFactory, List<ConfigProblem> problems,
    Func<string, LoadedConfig?>? loadOther = null, TimeProvider? time = null)
{
    public string HandlerId { get; } = handlerId;

    /// <summary>The handler's resolved config file, or null when it has none.</summary>
    public LoadedConfig? Config { get; } = config;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The runtime's clock (token expiry, key refresh limits, caches).</summary>
    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    public void Problem(string key, string message) =>
        problems.Add(new ConfigProblem(message, Config is null ? null : FileName, key));

    public T Bind<T>() where T : new() => Config is null ? new T() : Config.Bind<T>();

    /// <summary>Binds the file key by key: every key that does not bind is reported here and left at its default.</summary>
    public T BindEach<T>() where T : new() => Config is null ? new T() : Config.BindEach<T>(problems);

    /// <summary>
    /// Another config file the handler depends on (client.yml for the JWKS endpoint), resolved like its own;
    /// null when no layer has it. Problems in that file are reported and give null.
    /// </summary>
    public LoadedConfig? LoadOther(string name)
    {
        try
        {
            return loadOther?.Invoke(name);
        }
        catch (ConfigException ex)
        {
            problems.AddRange(ex.Problems);
            return null;
        }
    }

    /// <summary>
    /// A context for a handler this one is built from (unified-security composes jwt, apikey and basic): the other
    /// handler's own config file, the same problem list.
    /// </summary>
    public HandlerBuildContext For(string handlerId, string configFile) =>
        new(handlerId, LoadOther(configFile), LoggerFactory, problems, loadOther, Time);

    private string FileName => Config!.Name.Contains('.') ? Config.Name : Config.Name + ".yml";
}
