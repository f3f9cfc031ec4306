using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace LightFabric.Gateway.Security;

/// <summary>
/// One public signing key of a JWKS, parsed by Microsoft.IdentityModel. The algorithms it verifies are pinned by its
/// key type (and its own <c>alg</c> when the JWKS names one), never taken from the token alone: an RSA key verifies
/// only RS*/PS*, an EC key only the ES* of its curve, and nothing verifies <c>none</c> or HMAC.
/// </summary>
public sealed class SigningKey
{
    private SigningKey(string? kid, string? alg, string keyType, string? curve, SecurityKey key)
    {
        Kid = kid;
        Alg = alg;
        KeyType = keyType;
        Curve = curve;
        SecurityKey = key;
    }

    public string? Kid { get; }

    /// <summary>The JWK's own <c>alg</c>, when it names one.</summary>
    public string? Alg { get; }

    /// <summary><c>RSA</c> or <c>EC</c>.</summary>
    public string KeyType { get; }

    public string? Curve { get; }

    /// <summary>The key as the token handler verifies with it (made once per fetched key set).</summary>
    public SecurityKey SecurityKey { get; }

    public bool Allows(string alg)
    {
        if (Alg is not null && !string.Equals(Alg, alg, StringComparison.Ordinal))
        {
            return false;
        }

        return KeyType == JsonWebAlgorithmsKeyTypes.RSA
            ? alg is "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512"
            : (alg, Curve) is ("ES256", "P-256") or ("ES384", "P-384") or ("ES512", "P-521");
    }

    /// <summary>Checks one JWK; null (with a reason) for keys that cannot verify signatures here.</summary>
    public static SigningKey? FromJwk(JsonWebKey jwk, out string? skipped)
    {
        skipped = null;
        var kid = jwk.KeyId;
        if (jwk.Use is { } use && use != JsonWebKeyUseNames.Sig)
        {
            skipped = $"key '{kid}' has use '{use}'";
            return null;
        }

        try
        {
            switch (jwk.Kty)
            {
                case JsonWebAlgorithmsKeyTypes.RSA:
                    if (string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
                    {
                        skipped = $"RSA key '{kid}' lacks n or e";
                        return null;
                    }

                    if (Base64UrlEncoder.DecodeBytes(jwk.N).Length * 8 < 2040)
                    {
                        skipped = $"RSA key '{kid}' is shorter than 2048 bits";
                        return null;
                    }

                    break;
                case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                    if (jwk.Crv is not ("P-256" or "P-384" or "P-521") || string.IsNullOrEmpty(jwk.X) || string.IsNullOrEmpty(jwk.Y))
                    {
                        skipped = $"EC key '{kid}' has an unsupported curve '{jwk.Crv}' or lacks x or y";
                        return null;
                    }

                    break;
                default:
                    skipped = $"key '{kid}' has key type '{jwk.Kty}' (only RSA and EC public keys verify tokens)";
                    return null;
            }

            // Converted (and the point or modulus checked) now, not on a token's first use.
            if (!JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out var key) || key is null || !Usable(key))
            {
                skipped = $"key '{kid}' is not a valid {jwk.Kty} public key";
                return null;
            }

            return new SigningKey(kid, jwk.Alg, jwk.Kty, jwk.Crv, key);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            skipped = $"key '{kid}' is not a valid {jwk.Kty} public key";
            return null;
        }
    }

    /// <summary>Whether the converted key can be imported (an EC point off its curve, a broken modulus cannot).</summary>
    private static bool Usable(SecurityKey key)
    {
        switch (key)
        {
            case RsaSecurityKey { Rsa: null } rsa:
                using (RSA.Create(rsa.Parameters))
                {
                    return true;
                }

            case ECDsaSecurityKey { ECDsa: { } ec }:
                ec.ExportParameters(false);
                return true;
            default:
                return true;
        }
    }
}
