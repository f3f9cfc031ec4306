using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Security;

/// <summary>
/// The <c>security</c> handler (alias <c>jwt</c>): JWT bearer authentication. It answers the protected-resource
/// metadata document itself, lets <c>skipPathPrefixes</c> through, takes the token from
/// <c>Authorization: Bearer</c> (else <c>X-Scope-Token</c>), verifies it against the authorization server's
/// JWKS (client.yml <c>oauth.token.key</c>), checks scopes when asked, and makes the verified caller
/// <see cref="HttpContext.User"/> — which is what binds MCP sessions to a principal.
/// </summary>
public sealed class SecurityHandler : IGatewayHandler, IActivatableHandler
{
    public static readonly HandlerDescriptor Descriptor = new("security", ["jwt"], "security", Create) { Keys = ConfigKeys.For<SecurityConfig>() };

    private readonly SecurityConfig _config;
    private readonly JwksKeyStore _keys;
    private readonly JwtValidator _validator;
    private readonly VerifiedTokenCache _cache;
    private readonly ProtectedResourceMetadata _metadata;
    private readonly KeyValuePair<string, IReadOnlyList<string>>[] _prefixScopes;
    private readonly ILogger _logger;

    public SecurityHandler(SecurityConfig config, OAuthKeyConfig keyConfig, ILogger logger, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        _config = config;
        _logger = logger;
        _keys = new JwksKeyStore(keyConfig, TimeSpan.FromSeconds(Math.Max(0, config.Jwt.KeyRefreshMinIntervalSeconds)), logger, time);
        _validator = new JwtValidator(config, _keys, time);
        _cache = new VerifiedTokenCache(config.EnableJwtCache ? config.JwtCacheFullSize : 0, time);
        _metadata = CreateMetadata(config);
        _prefixScopes = config.PathPrefixScopes.OrderByDescending(p => p.Key.Length).ToArray();
    }

    public string Id => "security";

    /// <summary>The JWKS cache (tests and diagnostics read its fetch count).</summary>
    public JwksKeyStore Keys => _keys;

    internal static ProtectedResourceMetadata CreateMetadata(SecurityConfig config)
    {
        var scopes = config.RequiredScopes.Concat(config.PathPrefixScopes.Values.SelectMany(s => s)).Distinct(StringComparer.Ordinal).ToArray();
        return new ProtectedResourceMetadata(config.ResourceMetadata, scopes);
    }

    internal static SecurityHandler Create(HandlerBuildContext context)
    {
        var config = context.Bind<SecurityConfig>();
        var logger = context.LoggerFactory.CreateLogger("LightFabric.Gateway.Security");
        var keyConfig = OAuthKeyConfig.Read(context.LoadOther("client"));
        if (!string.IsNullOrWhiteSpace(keyConfig.ServerUrl) && keyConfig.JwksUrl is null)
        {
            context.Problem("enableVerifyJwt", $"client.yml oauth.token.key.server_url '{keyConfig.ServerUrl}' (with uri '{keyConfig.Uri}') is not a valid absolute URL; use e.g. https://auth.example.com");
        }
        else if (config.EnableVerifyJwt && keyConfig.JwksUrl is null)
        {
            context.Problem("enableVerifyJwt", keyConfig.ServiceId is not null
                ? $"client.yml oauth.token.key.serviceId '{keyConfig.ServiceId}' needs discovery, which this build does not have; set oauth.token.key.server_url in client.yml"
                : "the security handler needs the JWKS endpoint: set oauth.token.key.server_url (and uri, default /oauth2/key) in client.yml, or set enableVerifyJwt: false");
        }
        else if (keyConfig.JwksUrl is { } url && url.Scheme is not ("http" or "https"))
        {
            context.Problem("enableVerifyJwt", $"client.yml oauth.token.key.server_url must be an http or https URL, got '{url}'");
        }

        if (keyConfig.HasServiceIdAuthServers)
        {
            logger.LogWarning("client.yml oauth.token.key.serviceIdAuthServers is not supported by this build; every token is verified against {Url}", keyConfig.JwksUrl);
        }

        if (config.EnableMockJwt)
        {
            logger.LogWarning("security.yml enableMockJwt is accepted for compatibility and ignored: tokens are always verified");
        }

        if (config.Jwt.ClockSkewInSeconds < 0)
        {
            context.Problem("jwt.clockSkewInSeconds", "must be 0 or more");
        }

        if (config.Jwt.KeyRefreshMinIntervalSeconds < 0)
        {
            context.Problem("jwt.keyRefreshMinIntervalSeconds", "must be 0 or more");
        }

        foreach (var prefix in config.PathPrefixScopes.Keys.Concat(config.SkipPathPrefixes))
        {
            if (!prefix.StartsWith('/'))
            {
                context.Problem(config.SkipPathPrefixes.Contains(prefix) ? "skipPathPrefixes" : "pathPrefixScopes",
                    $"path prefix '{prefix}' must start with /");
            }
        }

        foreach (var (claim, header) in config.PassThroughClaims)
        {
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                context.Problem($"passThroughClaims.{claim}", $"'{header}' is not a valid header name");
            }
        }

        return new SecurityHandler(config, keyConfig, logger, context.Time);
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        var http = exchange.Http;
        var path = exchange.Path;
        if (_metadata.Enabled && ProtectedResourceMetadata.IsMetadataPath(path))
        {
            await _metadata.WriteAsync(http).ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        // Headers the gateway fills from verified claims are never the caller's own, on whatever path the request
        // passes (skipped prefixes and enableVerifyJwt: false included).
        var request = http.Request;
        foreach (var (_, header) in _config.PassThroughClaims)
        {
            request.Headers.Remove(header);
        }

        if (!_config.EnableVerifyJwt)
        {
            return HandlerOutcome.Continue;
        }

        if (!_config.EnableH2c && string.Equals(request.Headers.Upgrade, "h2c", StringComparison.OrdinalIgnoreCase))
        {
            await GatewayError.WriteAsync(http, StatusCodes.Status405MethodNotAllowed, "ERR10048", "H2C_UPGRADE_NOT_ALLOWED",
                "An HTTP/2 cleartext (h2c) upgrade is not allowed; security.yml enableH2c is false.").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        if (_config.SkipPathPrefixes.Any(prefix => PathPrefix.Matches(prefix, path)))
        {
            return HandlerOutcome.Continue;
        }

        var (token, fromScopeHeader) = ReadToken(request);
        if (token is null)
        {
            await ChallengeAsync(http, StatusCodes.Status401Unauthorized, "ERR10002", "MISSING_AUTH_TOKEN",
                "No Authorization header with a Bearer token" + (_config.EnableExtractScopeToken ? " and no X-Scope-Token header." : "."),
                error: null, description: null).ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        var cacheKey = VerifiedTokenCache.KeyOf(token);
        var verified = _cache.Get(cacheKey);
        if (verified is null)
        {
            var result = await _validator.ValidateAsync(token, http.RequestAborted).ConfigureAwait(false);
            if (result.Token is null)
            {
                await RejectAsync(http, result, fromScopeHeader).ConfigureAwait(false);
                return HandlerOutcome.Completed;
            }

            verified = result.Token;
            _cache.Add(cacheKey, verified);
        }

        if (_config.EnableVerifyScope && RequiredScopes(path) is { Count: > 0 } required && !required.Any(verified.Scopes.Contains))
        {
            var needed = string.Join(' ', required);
            await ChallengeAsync(http, StatusCodes.Status403Forbidden, fromScopeHeader ? "ERR10006" : "ERR10005",
                fromScopeHeader ? "SCOPE_TOKEN_SCOPE_MISMATCH" : "AUTH_TOKEN_SCOPE_MISMATCH",
                $"The token's scopes do not include any of the scopes this path requires: {needed}.",
                error: "insufficient_scope", description: "The token lacks the scope this resource requires", scope: needed).ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        SecurityPrincipal.Attach(http, verified);
        foreach (var (claim, header) in _config.PassThroughClaims)
        {
            if (SecurityPrincipal.Text(verified.Claims[claim]) is { } value)
            {
                request.Headers[header] = value;
            }
        }

        return HandlerOutcome.Continue;
    }

    private (string? Token, bool FromScopeHeader) ReadToken(HttpRequest request)
    {
        if (Bearer(request.Headers.Authorization.ToString()) is { } token)
        {
            return (token, false);
        }

        if (_config.EnableExtractScopeToken && request.Headers.TryGetValue("X-Scope-Token", out var scopeHeader))
        {
            var text = scopeHeader.ToString().Trim();
            var scopeToken = Bearer(text) ?? (text.Contains(' ') || text.Length == 0 ? null : text);
            if (scopeToken is not null)
            {
                return (scopeToken, true);
            }
        }

        return (null, false);
    }

    private static string? Bearer(string header)
    {
        const string scheme = "Bearer ";
        if (header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            var token = header[scheme.Length..].Trim();
            return token.Length > 0 ? token : null;
        }

        return null;
    }

    private IReadOnlyList<string> RequiredScopes(string path)
    {
        foreach (var (prefix, scopes) in _prefixScopes)
        {
            if (PathPrefix.Matches(prefix, path))
            {
                return scopes;
            }
        }

        return _config.RequiredScopes;
    }

    private Task RejectAsync(HttpContext http, JwtValidation result, bool fromScopeHeader)
    {
        _logger.LogDebug("{Method} {Path}: token refused ({Failure}): {Reason}", http.Request.Method, http.Request.Path, result.Failure, result.Reason);
        if (result.Failure == JwtFailureKind.KeyServer)
        {
            return GatewayError.WriteAsync(http, StatusCodes.Status502BadGateway, "ERR10056", "JWK_FETCH_FAILED",
                "The gateway could not read the authorization server's signing keys (client.yml oauth.token.key); try again later.");
        }

        var expired = result.Failure == JwtFailureKind.Expired;
        var (code, message) = (fromScopeHeader, expired) switch
        {
            (false, false) => ("ERR10000", "INVALID_AUTH_TOKEN"),
            (false, true) => ("ERR10001", "AUTH_TOKEN_EXPIRED"),
            (true, false) => ("ERR10003", "INVALID_SCOPE_TOKEN"),
            (true, true) => ("ERR10004", "SCOPE_TOKEN_EXPIRED"),
        };
        return ChallengeAsync(http, StatusCodes.Status401Unauthorized, code, message, result.Reason, "invalid_token", result.Reason.TrimEnd('.'));
    }

    private Task ChallengeAsync(HttpContext http, int status, string code, string message, string text,
        string? error, string? description, string? scope = null)
    {
        var challenge = $"Bearer resource_metadata=\"{_metadata.MetadataUrl(http.Request)}\"";
        if (error is not null)
        {
            challenge += $", error=\"{error}\"";
        }

        if (description is not null)
        {
            challenge += $", error_description=\"{Quote(description)}\"";
        }

        if (scope is not null)
        {
            challenge += $", scope=\"{Quote(scope)}\"";
        }

        if (!http.Response.HasStarted)
        {
            http.Response.Headers.WWWAuthenticate = challenge;
        }

        return GatewayError.WriteAsync(http, status, code, message, text);
    }

    // RFC 6750 error_description is limited to printable ASCII without " and \.
    private static string Quote(string text) =>
        new(text.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').ToArray());

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (!_config.EnableVerifyJwt || !_config.BootstrapFromKeyService || _keys.Url is null)
        {
            return;
        }

        var lookup = await _keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        if (lookup.Error is not null)
        {
            // The key server may come back; tokens are refused with 502 until it does.
            _logger.LogError("security.yml bootstrapFromKeyService: {Reason}", lookup.Error);
        }
    }

    public ValueTask RetireAsync()
    {
        _keys.Dispose();
        return ValueTask.CompletedTask;
    }
}
