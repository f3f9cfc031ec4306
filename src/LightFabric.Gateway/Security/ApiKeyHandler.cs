using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Gateway.Handlers;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Gateway.Security;

/// <summary>One <c>pathPrefixAuths</c> entry of apikey.yml.</summary>
public sealed record ApiKeyRule(string PathPrefix, string HeaderName, string ApiKey);

/// <summary>
/// The <c>apikey</c> handler (alias <c>api-key</c>): requests under a configured path prefix must carry the
/// prefix's key in its header (the longest matching prefix decides); requests under no prefix pass. Keys are
/// plain or, with <c>hashEnabled</c>, PBKDF2-HMAC-SHA1 hashes <c>iterations:saltHex:hashHex</c>; comparisons take
/// constant time. The caller becomes a principal named after the prefix and the key's fingerprint, so MCP sessions
/// bind to the key.
/// </summary>
public sealed class ApiKeyHandler : IGatewayHandler
{
    /// <summary>What <see cref="Create(HandlerBuildContext, bool)"/> reads.</summary>
    internal static readonly ConfigKeys Keys = ConfigKeys.For<ApiKeyConfig>();

    public static readonly HandlerDescriptor Descriptor = new("apikey", ["api-key"], "apikey", Create) { Keys = Keys };

    private readonly bool _enabled;
    private readonly bool _hashed;
    private readonly ApiKeyRule[] _rules;

    public ApiKeyHandler(bool enabled, bool hashed, IEnumerable<ApiKeyRule> rules)
    {
        _enabled = enabled;
        _hashed = hashed;
        _rules = rules.OrderByDescending(r => r.PathPrefix.Length).ToArray();
    }

    public string Id => "apikey";

    private static ApiKeyHandler Create(HandlerBuildContext context) => Create(context, forceEnabled: false);

    /// <param name="forceEnabled">For unified-security, which decides itself where the handler applies.</param>
    internal static ApiKeyHandler Create(HandlerBuildContext context, bool forceEnabled)
    {
        var config = context.BindEach<ApiKeyConfig>();
        return new ApiKeyHandler(forceEnabled || config.Enabled, config.HashEnabled, ApiKeyConfigValidator.Rules(config, context.Problem));
    }

    public async ValueTask<HandlerOutcome> InvokeAsync(GatewayExchange exchange)
    {
        if (!_enabled)
        {
            return HandlerOutcome.Continue;
        }

        var rule = _rules.FirstOrDefault(r => PathPrefix.Matches(r.PathPrefix, exchange.Path));
        if (rule is null)
        {
            return HandlerOutcome.Continue;
        }

        var presented = exchange.Http.Request.Headers[rule.HeaderName].ToString();
        if (presented.Length == 0 || !Matches(presented, rule.ApiKey))
        {
            await GatewayError.WriteAsync(exchange.Http, StatusCodes.Status401Unauthorized, "ERR10075",
                presented.Length == 0 ? "API key missing" : "Invalid API key",
                $"Requests under {rule.PathPrefix} need a valid API key in the {rule.HeaderName} header.").ConfigureAwait(false);
            return HandlerOutcome.Completed;
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule.ApiKey)))[..16];
        var identity = new ClaimsIdentity(
            [new Claim("client_id", $"apikey:{rule.PathPrefix}:{fingerprint}"), new Claim("auth_method", "apikey")], "ApiKey");
        exchange.Http.User = new ClaimsPrincipal(identity);
        CallerCredential.Accepted(exchange.Http, presented);
        return HandlerOutcome.Continue;
    }

    private bool Matches(string presented, string configured)
    {
        if (!_hashed)
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(configured));
        }

        ApiKeyHash.TryParse(configured, out var hash);
        var computed = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(presented), hash.Salt, hash.Iterations, HashAlgorithmName.SHA1, hash.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(computed, hash.Hash);
    }

}

/// <summary>light-4j's stored key format: <c>iterations:saltHex:hashHex</c> (PBKDF2-HMAC-SHA1).</summary>
public readonly record struct ApiKeyHash(int Iterations, byte[] Salt, byte[] Hash)
{
    public static bool TryParse(string text, out ApiKeyHash hash)
    {
        hash = default;
        var parts = text.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            hash = new ApiKeyHash(iterations, Convert.FromHexString(parts[1]), Convert.FromHexString(parts[2]));
            return hash.Hash.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Makes a stored form for a key (for operators preparing apikey.yml).</summary>
    public static string Create(string apiKey, int iterations = 65536)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var derived = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(apiKey), salt, iterations, HashAlgorithmName.SHA1, 32);
        return $"{iterations}:{Convert.ToHexStringLower(salt)}:{Convert.ToHexStringLower(derived)}";
    }
}
