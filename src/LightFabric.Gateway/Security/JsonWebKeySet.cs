using System.Security.Cryptography;
using System.Text.Json;

namespace LightFabric.Gateway.Security;

/// <summary>
/// One public signing key of a JWKS. The algorithms it verifies are pinned by its key type (and its own
/// <c>alg</c> when the JWKS names one), never taken from the token alone: an RSA key verifies only RS*/PS*,
/// an EC key only the ES* of its curve, and nothing verifies <c>none</c> or HMAC.
/// </summary>
public sealed class SigningKey
{
    private SigningKey(string? kid, string? alg, RSA? rsa, ECDsa? ec, string? curve)
    {
        Kid = kid;
        Alg = alg;
        Rsa = rsa;
        Ec = ec;
        Curve = curve;
    }

    public string? Kid { get; }

    /// <summary>The JWK's own <c>alg</c>, when it names one.</summary>
    public string? Alg { get; }

    public RSA? Rsa { get; }

    public ECDsa? Ec { get; }

    public string? Curve { get; }

    public string KeyType => Rsa is not null ? "RSA" : "EC";

    public bool Allows(string alg)
    {
        if (Alg is not null && !string.Equals(Alg, alg, StringComparison.Ordinal))
        {
            return false;
        }

        return Rsa is not null
            ? alg is "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512"
            : (alg, Curve) is ("ES256", "P-256") or ("ES384", "P-384") or ("ES512", "P-521");
    }

    public bool Verify(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var hash = alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        try
        {
            if (Rsa is not null)
            {
                var padding = alg[0] == 'P' ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                return Rsa.VerifyData(data, signature, hash, padding);
            }

            // JWS carries ECDSA signatures as the fixed-size r||s concatenation (IEEE P1363).
            return Ec!.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Parses one JWK; null (with a reason) for keys that cannot verify signatures here.</summary>
    public static SigningKey? FromJwk(JsonElement jwk, out string? skipped)
    {
        skipped = null;
        var kid = Str(jwk, "kid");
        var kty = Str(jwk, "kty");
        var use = Str(jwk, "use");
        var alg = Str(jwk, "alg");
        if (use is not null && use != "sig")
        {
            skipped = $"key '{kid}' has use '{use}'";
            return null;
        }

        try
        {
            switch (kty)
            {
                case "RSA":
                {
                    var n = Base64Url(jwk, "n");
                    var e = Base64Url(jwk, "e");
                    if (n is null || e is null)
                    {
                        skipped = $"RSA key '{kid}' lacks n or e";
                        return null;
                    }

                    if (n.Length * 8 < 2040)
                    {
                        skipped = $"RSA key '{kid}' is shorter than 2048 bits";
                        return null;
                    }

                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                    return new SigningKey(kid, alg, rsa, null, null);
                }

                case "EC":
                {
                    var crv = Str(jwk, "crv");
                    var curve = crv switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => (ECCurve?)null,
                    };
                    var x = Base64Url(jwk, "x");
                    var y = Base64Url(jwk, "y");
                    if (curve is null || x is null || y is null)
                    {
                        skipped = $"EC key '{kid}' has an unsupported curve '{crv}' or lacks x or y";
                        return null;
                    }

                    var ec = ECDsa.Create(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
                    return new SigningKey(kid, alg, null, ec, crv);
                }

                default:
                    skipped = $"key '{kid}' has key type '{kty}' (only RSA and EC public keys verify tokens)";
                    return null;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            skipped = $"key '{kid}' is not a valid {kty} public key";
            return null;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Base64Url(JsonElement element, string name) =>
        Str(element, name) is { Length: > 0 } text ? Base64UrlDecode(text) : null;

    internal static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}

/// <summary>The keys of one JWKS document, by <c>kid</c>.</summary>
public sealed class JsonWebKeySet
{
    public static readonly JsonWebKeySet Empty = new([]);

    private readonly Dictionary<string, SigningKey> _byKid;

    public JsonWebKeySet(IReadOnlyList<SigningKey> keys)
    {
        Keys = keys;
        _byKid = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.Kid is not null)
            {
                _byKid.TryAdd(key.Kid, key);
            }
        }
    }

    public IReadOnlyList<SigningKey> Keys { get; }

    public SigningKey? Find(string kid) => _byKid.GetValueOrDefault(kid);

    /// <summary>Parses <c>{"keys":[…]}</c>; keys that cannot verify are left out and reported.</summary>
    public static JsonWebKeySet Parse(ReadOnlySpan<byte> json, List<string> skipped)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("keys", out var keys)
            || keys.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("a JWKS is a JSON object with a 'keys' array");
        }

        var parsed = new List<SigningKey>();
        foreach (var jwk in keys.EnumerateArray())
        {
            if (jwk.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (SigningKey.FromJwk(jwk, out var reason) is { } key)
            {
                parsed.Add(key);
            }
            else if (reason is not null)
            {
                skipped.Add(reason);
            }
        }

        return new JsonWebKeySet(parsed);
    }
}
