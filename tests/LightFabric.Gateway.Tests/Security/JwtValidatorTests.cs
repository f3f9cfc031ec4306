using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Security;
using LightFabric.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>The token checks around the signature: algorithm policy, key binding, critical headers.</summary>
public sealed class JwtValidatorTests
{
    private static JsonObject Claims() => new()
    {
        ["sub"] = "alice",
        ["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600,
    };

    private static async Task<(JwtValidation Result, int Fetches)> ValidateAsync(string token, params TestKey[] published)
    {
        await using var server = await JwksServer.StartAsync(published);
        using var keys = new JwksKeyStore(
            new OAuthKeyConfig { ServerUrl = server.BaseUrl, ClientId = JwksServer.ClientId, ClientSecret = JwksServer.ClientSecret },
            TimeSpan.FromSeconds(30), NullLogger.Instance);
        var validator = new JwtValidator(new SecurityConfig(), keys, TimeProvider.System);
        var result = await validator.ValidateAsync(token, CancellationToken.None);
        return (result, server.Requests);
    }

    private static string SignWithHeader(TestKey key, JsonObject header, JsonObject claims)
    {
        var input = TestKey.B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + TestKey.B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = key.Rsa!.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + TestKey.B64(signature);
    }

    [Fact]
    public async Task Rs256_Ps256_and_Es256_signatures_verify()
    {
        var rsa = TestKey.NewRsa("rsa-1");
        var ec = TestKey.NewEc("ec-1");
        foreach (var token in new[] { rsa.Sign(Claims()), rsa.Sign(Claims(), alg: "PS256"), ec.Sign(Claims()) })
        {
            var (result, _) = await ValidateAsync(token, rsa, ec);
            Assert.True(result.Token is not null, result.Reason);
            Assert.Equal("alice", result.Token!.Claims["sub"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_critical_header_is_refused_before_any_key_is_fetched()
    {
        var rsa = TestKey.NewRsa("rsa-1");
        var token = SignWithHeader(rsa, new JsonObject { ["alg"] = "RS256", ["kid"] = "rsa-1", ["crit"] = new JsonArray("exp"), ["exp"] = 1 }, Claims());
        var (result, fetches) = await ValidateAsync(token, rsa);
        Assert.Null(result.Token);
        Assert.Equal(JwtFailureKind.Malformed, result.Failure);
        Assert.Equal("The token's header has critical extensions this gateway does not understand.", result.Reason);
        Assert.Equal(0, fetches);
    }

    [Fact]
    public async Task An_algorithm_the_key_does_not_have_is_refused()
    {
        var ec = TestKey.NewEc("ec-1");

        // ES384 names the P-256 key: refused by the key binding, whatever the signature.
        var (result, _) = await ValidateAsync(ec.Sign(Claims(), alg: "ES384"), ec);
        Assert.Equal(JwtFailureKind.Algorithm, result.Failure);
        Assert.Equal("Key 'ec-1' is an EC key and does not verify ES384 signatures.", result.Reason);
    }

    [Fact]
    public async Task A_signature_of_another_key_under_a_published_kid_does_not_verify()
    {
        var published = TestKey.NewRsa("rsa-1");
        var impostor = TestKey.NewRsa("rsa-1");
        var (result, _) = await ValidateAsync(impostor.Sign(Claims()), published);
        Assert.Equal(JwtFailureKind.Signature, result.Failure);
        Assert.Equal("The token's signature does not verify.", result.Reason);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("e30.e30.AA.AA.AA")]
    [InlineData("!!.e30.AA")]
    [InlineData("e30.bm90IGpzb24.AA")]
    public async Task Malformed_tokens_are_refused(string token)
    {
        var (result, _) = await ValidateAsync(token, TestKey.NewRsa("rsa-1"));
        Assert.Equal(JwtFailureKind.Malformed, result.Failure);
    }
}
