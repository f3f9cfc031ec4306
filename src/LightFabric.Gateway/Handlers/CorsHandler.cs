using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Handlers;

/// <summary>cors.yml</summary>
public sealed record CorsConfig
{
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    public IReadOnlyList<string> AllowedMethods { get; init; } = [];

    /// <summary>Request headers a preflight may ask for; empty allows whatever it asks for.</summary>
    public IReadOnlyList<string> AllowedHeaders { get; init; } = [];

    /// <summary>Response headers page scripts may read (Access-Control-Expose-Headers).</summary>
    public IReadOnlyList<string> ExposeHeaders { get; init; } = CorsHandler.McpExposeHeaders;

    public IReadOnlyDictionary<string, CorsPrefixConfig> PathPrefixAllowed { get; init; } = new Dictionary<string, CorsPrefixConfig>();
}

public sealed record CorsPrefixConfig
{
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    public IReadOnlyList<string> AllowedMethods { get; init; } = [];
}

/// <summary>
/// Answers CORS preflights without reaching the rest of the chain, rejects requests from origins that are
/// not allowed with 403, and adds the CORS response headers to whatever answers an allowed request.
/// The request's own origin is always allowed; <c>*</c> allows every origin (without credentials).
/// Allowed responses expose the MCP session headers by default: a browser MCP client must read
/// <c>Mcp-Session-Id</c> from the initialize answer to keep its session.
/// </summary>
public sealed class CorsHandler : IGatewayHandler
{
    public static readonly HandlerDescriptor Descriptor = new("cors", [], "cors", ctx => new CorsHandler(ctx.Bind<CorsConfig>()))
    {
        Keys = LightFabric.Config.ConfigKeys.For<CorsConfig>(),
    };

    /// <summary>The default of cors.yml exposeHeaders.</summary>
    public static readonly IReadOnlyList<string> McpExposeHeaders = ["Mcp-Session-Id", "MCP-Protocol-Version"];

    private static readonly string[] DefaultMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private readonly bool _enabled;
    private readonly string? _allowedHeaders;
    private readonly string? _exposeHeaders;
    private readonly CorsPolicy _global;
    private readonly KeyValuePair<string, CorsPolicy>[] _prefixes;

    public CorsHandler(CorsConfig config)
    {
        _enabled = config.Enabled;
        _allowedHeaders = HeaderList(config.AllowedHeaders);
        _exposeHeaders = HeaderList(config.ExposeHeaders);
        _global = new CorsPolicy(config.AllowedOrigins, config.AllowedMethods);
        _prefixes = config.PathPrefixAllowed
            .Select(p => KeyValuePair.Create(p.Key, new CorsPolicy(p.Value.AllowedOrigins, p.Value.AllowedMethods)))
            .OrderByDescending(p => p.Key.Length)
            .ToArray();
    }

    public string Id => "cors";

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        var request = exchange.Http.Request;
        string? origin = request.Headers.Origin;
        if (!_enabled || string.IsNullOrEmpty(origin))
        {
            return HandlerOutcome.Continue;
        }

        var policy = PathPrefix.Longest(_prefixes, exchange.Path) ?? _global;
        var sameOrigin = string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
        if (!sameOrigin && !policy.AllowsOrigin(origin))
        {
            await GatewayError.WriteAsync(exchange.Http, StatusCodes.Status403Forbidden, "CORS_ORIGIN_DENIED",
                "CORS origin not allowed", $"Origin {origin} is not in cors.yml allowedOrigins for this path.");
            return HandlerOutcome.Completed;
        }

        var credentials = !policy.AnyOrigin || sameOrigin;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            var requestedMethod = request.Headers["Access-Control-Request-Method"].ToString();
            if (!policy.AllowsMethod(requestedMethod))
            {
                await GatewayError.WriteAsync(exchange.Http, StatusCodes.Status403Forbidden, "CORS_METHOD_DENIED",
                    "CORS method not allowed", $"Method {requestedMethod} is not in cors.yml allowedMethods for this path.");
                return HandlerOutcome.Completed;
            }

            var response = exchange.Http.Response;
            AddOriginHeaders(response, origin, credentials);
            response.Headers.AccessControlAllowMethods = string.Join(", ", policy.Methods);
            var requestedHeaders = request.Headers.AccessControlRequestHeaders;
            if (_allowedHeaders is not null)
            {
                response.Headers.AccessControlAllowHeaders = _allowedHeaders;
            }
            else if (requestedHeaders.Count > 0)
            {
                response.Headers.AccessControlAllowHeaders = requestedHeaders;
            }

            response.Headers.AccessControlMaxAge = "3600";
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = 0;
            return HandlerOutcome.Completed;
        }

        exchange.OnResponse(response => AddOriginHeaders(response, origin, credentials));
        return HandlerOutcome.Continue;
    }

    private void AddOriginHeaders(HttpResponse response, string origin, bool credentials)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        if (credentials)
        {
            response.Headers.AccessControlAllowCredentials = "true";
        }

        if (_exposeHeaders is not null)
        {
            response.Headers.AccessControlExposeHeaders = _exposeHeaders;
        }

        response.Headers.Append("Vary", "Origin");
    }

    private static string? HeaderList(IReadOnlyList<string> names)
    {
        var list = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return list.Length == 0 ? null : string.Join(", ", list);
    }

    private sealed class CorsPolicy
    {
        private readonly HashSet<string> _origins;
        private readonly HashSet<string> _methods;

        public CorsPolicy(IReadOnlyList<string> origins, IReadOnlyList<string> methods)
        {
            _origins = origins.Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
            AnyOrigin = _origins.Contains("*");
            Methods = methods.Count == 0 ? DefaultMethods : methods.Select(m => m.Trim().ToUpperInvariant()).Where(m => m.Length > 0).ToArray();
            _methods = Methods.ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        public bool AnyOrigin { get; }

        public IReadOnlyList<string> Methods { get; }

        public bool AllowsOrigin(string origin) => AnyOrigin || _origins.Contains(origin.TrimEnd('/'));

        public bool AllowsMethod(string method) => _methods.Contains(method);
    }
}
