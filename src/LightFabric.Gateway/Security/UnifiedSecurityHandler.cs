using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Security;

/// <summary>One <c>pathPrefixAuths</c> entry of unified-security.yml: which methods a prefix accepts.</summary>
public sealed record UnifiedPrefix(string Prefix, bool Basic, bool Jwt, bool ApiKey);

/// <summary>
/// The <c>unified-security</c> handler (alias <c>unified</c>): per path prefix (longest wins) a choice of JWT,
/// API key and Basic. The request's own credential picks the method (<c>Basic …</c> → basic, <c>Bearer …</c> →
/// jwt, otherwise the API key); without any, the first enabled method's challenge answers. Anonymous prefixes and
/// paths under no prefix pass. The methods run with their own files (security.yml + client.yml, apikey.yml,
/// basic-auth.yml), enabled here whatever those files say.
/// </summary>
public sealed class UnifiedSecurityHandler : IGatewayHandler, IActivatableHandler
{
    public static readonly HandlerDescriptor Descriptor = new("unified-security", ["unified"], "unified-security", Create)
    {
        Keys = ConfigKeys.For<UnifiedSecurityConfig>(),
    };

    private readonly bool _enabled;
    private readonly string[] _anonymous;
    private readonly UnifiedPrefix[] _prefixes;
    private readonly SecurityHandler? _jwt;
    private readonly ApiKeyHandler? _apiKey;
    private readonly BasicAuthHandler? _basic;
    private readonly ILogger _logger;

    private UnifiedSecurityHandler(bool enabled, string[] anonymous, UnifiedPrefix[] prefixes, SecurityHandler? jwt, ApiKeyHandler? apiKey, BasicAuthHandler? basic,
        ILogger logger)
    {
        _logger = logger;
        _enabled = enabled;
        _anonymous = anonymous;
        _prefixes = prefixes.OrderByDescending(p => p.Prefix.Length).ToArray();
        _jwt = jwt;
        _apiKey = apiKey;
        _basic = basic;
    }

    public string Id => "unified-security";

    private static UnifiedSecurityHandler Create(HandlerBuildContext context)
    {
        var config = context.BindEach<UnifiedSecurityConfig>();
        var anonymous = config.AnonymousPrefixes.ToArray();
        var prefixes = UnifiedSecurityConfigValidator.Prefixes(config, context.Problem);
        var jwt = prefixes.Any(p => p.Jwt) ? SecurityHandler.Create(context.For("security", "security")) : null;
        var apiKey = prefixes.Any(p => p.ApiKey) ? ApiKeyHandler.Create(context.For("apikey", "apikey"), forceEnabled: true) : null;
        var basic = prefixes.Any(p => p.Basic) ? BasicAuthHandler.Create(context.For("basic-auth", "basic-auth"), forceEnabled: true) : null;
        return new UnifiedSecurityHandler(config.Enabled, anonymous, prefixes.ToArray(), jwt, apiKey, basic,
            context.LoggerFactory.CreateLogger("LightFabric.Gateway.Security"));
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!_enabled || _anonymous.Any(a => PathPrefix.Matches(a, exchange.Path)))
        {
            return HandlerOutcome.Continue;
        }

        var rule = _prefixes.FirstOrDefault(p => PathPrefix.Matches(p.Prefix, exchange.Path));
        if (rule is null)
        {
            return HandlerOutcome.Continue;
        }

        var authorization = exchange.Http.Request.Headers.Authorization.ToString();
        IGatewayHandler method =
            rule.Basic && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? _basic!
            : rule.Jwt && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? _jwt!
            : rule.ApiKey ? _apiKey!
            : rule.Jwt ? _jwt!
            : _basic!;
        if (await method.InvokeAsync(exchange).ConfigureAwait(false) == HandlerOutcome.Completed)
        {
            return HandlerOutcome.Completed;
        }

        // A method passes requests its own file does not cover (an apikey.yml prefix missing, security.yml
        // skipPathPrefixes or enableVerifyJwt false); under a unified prefix only an authenticated caller passes.
        if (exchange.Http.User.Identity?.IsAuthenticated == true)
        {
            return HandlerOutcome.Continue;
        }

        _logger.LogWarning(
            "unified-security: {Path} is under prefix {Prefix}, but the chosen method's own config lets it pass unauthenticated; refused. Cover the path in apikey.yml / security.yml / basic-auth.yml",
            exchange.Path, rule.Prefix);
        await GatewayError.WriteAsync(exchange.Http, Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized, "ERR10002", "Unauthorized",
            "No accepted credential for this path.").ConfigureAwait(false);
        return HandlerOutcome.Completed;
    }

    public Task ActivateAsync(CancellationToken cancellationToken) => _jwt?.ActivateAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask RetireAsync() => _jwt?.RetireAsync() ?? ValueTask.CompletedTask;

}
