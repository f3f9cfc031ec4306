using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LightFabric.Gateway.Security;

/// <summary>Why a token was refused; <see cref="Expired"/> tokens get their own error code.</summary>
public enum JwtFailureKind
{
    Malformed,
    Algorithm,
    UnknownKey,
    Signature,
    Expired,
    NotYetValid,
    Issuer,
    Audience,
    KeyServer,
}

/// <summary>A verified token: its claims, scopes and the instant after which it must be re-verified.</summary>
public sealed record VerifiedToken(JsonObject Claims, IReadOnlySet<string> Scopes, DateTimeOffset? Expires)
{
    private System.Security.Claims.ClaimsPrincipal? _principal;
    private string? _subjectKey;

    /// <summary>
    /// The request principal, made once per verified token: requests presenting the same cached token share it
    /// (nothing in the gateway changes a principal once attached).
    /// </summary>
    public System.Security.Claims.ClaimsPrincipal Principal => _principal ??= SecurityPrincipal.Create(Claims);

    /// <summary>The caller's stable identity (<see cref="SecurityPrincipal.SubjectKey"/>), computed once per verified token.</summary>
    public string SubjectKey => _subjectKey ??= SecurityPrincipal.SubjectKey(Principal);
}

public readonly record struct JwtValidation(VerifiedToken? Token, JwtFailureKind Failure, string Reason)
{
    public static JwtValidation Fail(JwtFailureKind kind, string reason) => new(null, kind, reason);
}

/// <summary>
/// Verifies compact JWS access tokens: the algorithm against the accepted list (no <c>none</c>, no HMAC), no
/// <c>crit</c> header, the signature with a JWKS key chosen by <c>kid</c> and pinned to its key type
/// (Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/> checks it), then <c>exp</c>/<c>nbf</c> with clock
/// skew, <c>iss</c> and <c>aud</c>, each refusal with its own message.
/// </summary>
public sealed class JwtValidator(SecurityConfig config, JwksKeyStore keys, TimeProvider time)
{
    private const int MaxTokenLength = 16 * 1024;

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly HashSet<string> _audiences = config.Audience.Where(a => a.Length > 0).ToHashSet(StringComparer.Ordinal);
    private readonly string? _issuer = string.IsNullOrWhiteSpace(config.Issuer) ? null : config.Issuer.Trim();
    private readonly TimeSpan _skew = TimeSpan.FromSeconds(Math.Max(0, config.Jwt.ClockSkewInSeconds));

    public async ValueTask<JwtValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength)
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token is too long.");
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token is not a signed JWT (header.payload.signature).");
        }

        JsonWebToken parsed;
        JsonObject header;
        JsonObject claims;
        try
        {
            parsed = new JsonWebToken(token);
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject ?? throw new FormatException();
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject ?? throw new FormatException();
            _ = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or SecurityTokenMalformedException)
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token's header or payload is not base64url-encoded JSON.");
        }

        var alg = String(header, "alg");
        if (alg is not ("RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" or "ES256" or "ES384" or "ES512"))
        {
            return JwtValidation.Fail(JwtFailureKind.Algorithm, $"The token's algorithm '{alg ?? "(none)"}' is not accepted; RSA and EC signatures are.");
        }

        if (header.ContainsKey("crit"))
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token's header has critical extensions this gateway does not understand.");
        }

        var kid = String(header, "kid");
        var lookup = await keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var candidates = Select(lookup.Keys, kid, alg);
        if (candidates.Count == 0 && kid is not null && lookup.Keys.Find(kid) is null)
        {
            lookup = await keys.RefreshForUnknownKeyAsync(cancellationToken).ConfigureAwait(false);
            candidates = Select(lookup.Keys, kid, alg);
        }

        if (candidates.Count == 0)
        {
            if (lookup.Error is not null && lookup.Keys.Keys.Count == 0)
            {
                return JwtValidation.Fail(JwtFailureKind.KeyServer, lookup.Error);
            }

            return kid is not null && lookup.Keys.Find(kid) is { } known
                ? JwtValidation.Fail(JwtFailureKind.Algorithm, $"Key '{kid}' is an {known.KeyType} key and does not verify {alg} signatures.")
                : JwtValidation.Fail(JwtFailureKind.UnknownKey, kid is null
                    ? "The token names no key id (kid) and the key set has more than one key."
                    : $"No signing key with id '{kid}' is published by the authorization server.");
        }

        if (!await SignatureVerifiesAsync(parsed, alg, candidates).ConfigureAwait(false))
        {
            return JwtValidation.Fail(JwtFailureKind.Signature, "The token's signature does not verify.");
        }

        return CheckClaims(claims);
    }

    /// <summary>
    /// The signature check, by Microsoft.IdentityModel, with the candidate keys only and the one algorithm they were
    /// chosen for. Lifetime, issuer and audience are checked by <see cref="CheckClaims"/>, which words the failures.
    /// </summary>
    private static async Task<bool> SignatureVerifiesAsync(JsonWebToken token, string alg, List<SigningKey> candidates)
    {
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = candidates.Select(k => k.SecurityKey).ToArray(),
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = [alg],
            RequireSignedTokens = true,
            RequireExpirationTime = false,
            ValidateLifetime = false,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateIssuerSigningKey = false,
            ValidateTokenReplay = false,
        };
        var result = await Handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        return result.IsValid;
    }

    private List<SigningKey> Select(SigningKeySet set, string? kid, string alg)
    {
        if (kid is not null)
        {
            return set.Find(kid) is { } key && key.Allows(alg) ? [key] : [];
        }

        if (set.Keys.Count == 1 || config.EnableRelaxedKeyValidation)
        {
            return set.Keys.Where(k => k.Allows(alg)).ToList();
        }

        return [];
    }

    private JwtValidation CheckClaims(JsonObject claims)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? expires = null;
        if (NumericDate(claims, "exp", out var exp) is false)
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token's exp claim is not a number.");
        }

        if (exp is { } e)
        {
            expires = e + _skew;
        }

        if (!config.IgnoreJwtExpiry)
        {
            if (expires is null)
            {
                return JwtValidation.Fail(JwtFailureKind.Malformed, "The token has no exp claim.");
            }

            if (now > expires)
            {
                return JwtValidation.Fail(JwtFailureKind.Expired, "The token expired.");
            }
        }
        else
        {
            expires = null;
        }

        if (NumericDate(claims, "nbf", out var nbf) is false)
        {
            return JwtValidation.Fail(JwtFailureKind.Malformed, "The token's nbf claim is not a number.");
        }

        if (nbf is { } notBefore && now + _skew < notBefore)
        {
            return JwtValidation.Fail(JwtFailureKind.NotYetValid, "The token is not valid yet (nbf).");
        }

        if (_issuer is not null && !string.Equals(String(claims, "iss"), _issuer, StringComparison.Ordinal))
        {
            return JwtValidation.Fail(JwtFailureKind.Issuer, "The token was not issued by the issuer this gateway trusts.");
        }

        if (_audiences.Count > 0 && !Audiences(claims).Any(_audiences.Contains))
        {
            return JwtValidation.Fail(JwtFailureKind.Audience, "The token is not meant for this audience.");
        }

        return new JwtValidation(new VerifiedToken(claims, Scopes(claims), expires), default, "");
    }

    /// <summary>Scopes from <c>scope</c> (space-separated, RFC 8693) or <c>scp</c> (list or string).</summary>
    public static IReadOnlySet<string> Scopes(JsonObject claims)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in (string[])["scope", "scp"])
        {
            switch (claims[name])
            {
                case JsonValue value when value.TryGetValue<string>(out var text):
                    scopes.UnionWith(text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0)
                        {
                            scopes.Add(s);
                        }
                    }

                    break;
            }
        }

        return scopes;
    }

    private static IEnumerable<string> Audiences(JsonObject claims) => claims["aud"] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        JsonArray array => array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>(),
        _ => [],
    };

    /// <summary>null when absent, false when not a number.</summary>
    private static bool? NumericDate(JsonObject claims, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!claims.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<double>(out var seconds)
            && seconds is > -62135596800d and < 253402300799d)
        {
            value = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            return true;
        }

        return false;
    }

    private static string? String(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
