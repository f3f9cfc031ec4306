using LightFabric.Gateway.Handlers;
using LightFabric.Governance.Calls;

namespace LightFabric.Gateway.Chains;

/// <summary>
/// The immutable runtime model of the gateway: routes in handler.yml order, the default chain and the
/// active handler instances. A reload builds a new one; requests keep the one they started with.
/// </summary>
public sealed class GatewayModel(
    string basePath,
    IReadOnlyList<GatewayRoute> routes,
    IGatewayHandler[] defaultHandlers,
    IReadOnlyDictionary<string, IGatewayHandler> activeHandlers,
    IReadOnlyDictionary<string, IReadOnlyList<string>> chains,
    ClientFaultLog? clientFaults = null,
    CallPipeline? defaultGovernance = null)
{
    /// <summary>The call pipeline of the default chain.</summary>
    public CallPipeline DefaultGovernance { get; } = defaultGovernance ?? CallPipeline.Empty;

    /// <summary>Where client-caused request failures are logged; shared by every model of one gateway.</summary>
    public ClientFaultLog ClientFaults { get; } = clientFaults ?? new ClientFaultLog(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System, ClientFaultLog.DefaultInterval);

    public string BasePath { get; } = basePath;

    public IReadOnlyList<GatewayRoute> Routes { get; } = routes;

    public IGatewayHandler[] DefaultHandlers { get; } = defaultHandlers;

    public IReadOnlyDictionary<string, IGatewayHandler> ActiveHandlers { get; } = activeHandlers;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Chains { get; } = chains;

    /// <summary>The first route whose method and path match wins; otherwise the default chain.</summary>
    public ResolvedChain Resolve(string method, string requestPath)
    {
        var path = StripBasePath(requestPath);
        if (path is not null)
        {
            foreach (var route in Routes)
            {
                Dictionary<string, string>? parameters = null;
                if (string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase) && route.Template.TryMatch(path, ref parameters))
                {
                    return new ResolvedChain(route.Handlers, path, route.Endpoint, parameters, route.Governance);
                }
            }
        }

        return new ResolvedChain(DefaultHandlers, path ?? requestPath, $"{requestPath}@{method.ToLowerInvariant()}", null, DefaultGovernance);
    }

    private string? StripBasePath(string path)
    {
        if (BasePath == "/")
        {
            return path;
        }

        if (!path.StartsWith(BasePath, StringComparison.Ordinal))
        {
            return null;
        }

        if (path.Length == BasePath.Length)
        {
            return "/";
        }

        return path[BasePath.Length] == '/' ? path[BasePath.Length..] : null;
    }
}

public readonly record struct ResolvedChain(
    IGatewayHandler[] Handlers,
    string Path,
    string Endpoint,
    IReadOnlyDictionary<string, string>? PathParameters,
    CallPipeline Governance);
