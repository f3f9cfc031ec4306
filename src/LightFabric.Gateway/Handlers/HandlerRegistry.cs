using LightFabric.Gateway.Handlers.Mcp;
using LightFabric.Mcp.Routing;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// Every handler id light-gateway knows: the ones this build implements, the ids kept only so configs
/// written for other light-gateway versions validate (they do nothing), and the ones reserved for
/// capabilities this build does not include.
/// </summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, HandlerDescriptor> _byId = new(StringComparer.Ordinal);

    /// <summary>Accepted for config compatibility; they do nothing and a warning says so.</summary>
    public static readonly IReadOnlySet<string> CompatibilityIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "exception", "specification", "sanitizer", "validator", "request-size-limit", "body",
        "proxyServerInfo", "killapp", "latency", "memory", "exchaos", "chaosget", "chaospost", "info",
        "getLogger", "postLogger", "getLogContents", "modules", "configReload", "spec", "swaggerui",
        "favicon", "oauth", "getOauth", "shutdown",
    };

    /// <summary>Ids of real handlers that this build does not include yet.</summary>
    public static readonly IReadOnlySet<string> ReservedIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "metrics",
        "token", "stateless", "google", "facebook", "github", "msal-exchange", "msal-auth",
        "sidecar-deny", "limit", "rate-limit", "prefix", "path-prefix-service", "pathPrefixService", "tokenize",
        "detokenize", "router", "websocket", "llm", "virtual", "path-resource", "resource",
        "sidecar-identity",
    };

    public HandlerRegistry Register(HandlerDescriptor descriptor)
    {
        foreach (var id in descriptor.Aliases.Prepend(descriptor.Id))
        {
            if (!_byId.TryAdd(id, descriptor))
            {
                throw new InvalidOperationException($"handler id '{id}' is registered twice");
            }
        }

        return this;
    }

    public bool TryGet(string id, out HandlerDescriptor descriptor) => _byId.TryGetValue(id, out descriptor!);

    public bool IsKnown(string id) => _byId.ContainsKey(id) || CompatibilityIds.Contains(id) || ReservedIds.Contains(id);

    public IEnumerable<HandlerDescriptor> Descriptors => _byId.Values.Distinct();

    /// <summary>Why an id cannot be used, or null when it can.</summary>
    public string? Unavailable(string id)
    {
        if (_byId.ContainsKey(id) || CompatibilityIds.Contains(id))
        {
            return null;
        }

        if (ReservedIds.Contains(id))
        {
            return $"handler '{id}' is not available in this light-gateway build; remove it from handler.yml or upgrade";
        }

        var known = string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal));
        return id.Contains('.') || id.Contains('@')
            ? $"unknown handler '{id}': use short handler ids (e.g. correlation, cors), not Java class names; available: {known}"
            : $"unknown handler '{id}'; available: {known}";
    }

    /// <summary>
    /// The handlers this build implements; <paramref name="mcp"/> holds what MCP keeps across reloads, <paramref name="ledgers"/>
    /// the budget ledgers and <paramref name="audit"/> the audit writers (one set per registry when null).
    /// </summary>
    public static HandlerRegistry CreateDefault(McpRouterHost mcp, Budget.BudgetLedgers? ledgers = null, Audit.AuditWriters? audit = null) => new HandlerRegistry()
        .Register(Budget.BudgetHandler.Descriptor(ledgers ?? new Budget.BudgetLedgers(mcp.TimeProvider)))
        .Register(Audit.AuditHandler.Descriptor(audit ?? new Audit.AuditWriters(mcp.LoggerFactory, mcp.TimeProvider)))
        .Register(CorrelationHandler.Descriptor)
        .Register(HeaderHandler.Descriptor)
        .Register(CorsHandler.Descriptor)
        .Register(HealthHandler.Descriptor)
        .Register(Proxy.ProxyHandler.Descriptor)
        .Register(Security.SecurityHandler.Descriptor)
        .Register(Security.ProtectedResourceMetadataHandler.Descriptor)
        .Register(Security.ApiKeyHandler.Descriptor)
        .Register(Security.BasicAuthHandler.Descriptor)
        .Register(Security.UnifiedSecurityHandler.Descriptor)
        .Register(AccessControl.AccessControlHandler.Descriptor)
        .Register(McpHandler.Descriptor(mcp));
}
