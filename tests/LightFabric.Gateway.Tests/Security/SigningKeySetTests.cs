using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Security;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>Which JWKS keys verify tokens, and why the others are left out.</summary>
public sealed class SigningKeySetTests
{
    [Fact]
    public void Only_rsa_and_ec_signature_keys_are_kept_and_each_other_key_is_reported()
    {
        var rsa = TestKey.NewRsa("rsa-ok");
        var ec = TestKey.NewEc("ec-ok");
        using var shortRsa = RSA.Create(1024);
        var offCurve = ec.PublicJwk();
        offCurve["kid"] = "ec-off-curve";
        offCurve["y"] = TestKey.B64(new byte[32]);
        var encryption = rsa.PublicJwk();
        encryption["kid"] = "rsa-enc";
        encryption["use"] = "enc";
        var keys = new JsonArray(
            rsa.PublicJwk(),
            ec.PublicJwk(),
            encryption,
            new JsonObject { ["kty"] = "RSA", ["kid"] = "rsa-short", ["n"] = TestKey.B64(shortRsa.ExportParameters(false).Modulus!), ["e"] = "AQAB" },
            new JsonObject { ["kty"] = "RSA", ["kid"] = "rsa-no-e", ["n"] = TestKey.B64(new byte[256]) },
            new JsonObject { ["kty"] = "EC", ["kid"] = "ec-k1", ["crv"] = "secp256k1", ["x"] = "AA", ["y"] = "AA" },
            offCurve,
            new JsonObject { ["kty"] = "oct", ["kid"] = "hmac", ["k"] = TestKey.B64(new byte[32]) });

        var skipped = new List<string>();
        var set = SigningKeySet.Parse(Encoding.UTF8.GetBytes(new JsonObject { ["keys"] = keys }.ToJsonString()), skipped);

        Assert.Equal(["rsa-ok", "ec-ok"], set.Keys.Select(k => k.Kid));
        Assert.Equal("RSA", set.Find("rsa-ok")!.KeyType);
        Assert.True(set.Find("rsa-ok")!.Allows("PS256"));
        Assert.False(set.Find("rsa-ok")!.Allows("ES256"));
        Assert.True(set.Find("ec-ok")!.Allows("ES256"));
        Assert.False(set.Find("ec-ok")!.Allows("ES384"));
        Assert.False(set.Find("ec-ok")!.Allows("HS256"));
        Assert.Equal(
            [
                "key 'rsa-enc' has use 'enc'",
                "RSA key 'rsa-short' is shorter than 2048 bits",
                "RSA key 'rsa-no-e' lacks n or e",
                "EC key 'ec-k1' has an unsupported curve 'secp256k1' or lacks x or y",
                "key 'ec-off-curve' is not a valid EC public key",
                "key 'hmac' has key type 'oct' (only RSA and EC public keys verify tokens)",
            ],
            skipped);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"keys\": {}}")]
    [InlineData("{\"kty\": \"RSA\"}")]
    public void A_document_that_is_not_a_key_set_is_refused(string json)
    {
        var ex = Assert.Throws<JsonException>(() => SigningKeySet.Parse(Encoding.UTF8.GetBytes(json), []));
        Assert.Contains("'keys' array", ex.Message);
    }
}
