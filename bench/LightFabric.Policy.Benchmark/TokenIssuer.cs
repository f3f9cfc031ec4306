using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Policy.Benchmark;

/// <summary>
/// The benchmark's authorization server: an RSA-2048 key made when the run starts (never written to disk), RS256
/// tokens signed with it, and <c>GET /oauth2/key</c> on 127.0.0.1 serving its public half as a JWKS.
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    public const string Issuer = "https://issuer.bench";
    public const string Audience = "light-gateway-bench";
    public const string KeyId = "bench-rs256";

    private readonly RSA _rsa = RSA.Create(2048);
    private WebApplication? _app;

    /// <summary>Base URL of the key server, e.g. http://127.0.0.1:40123 (the JWKS is at /oauth2/key).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>JWKS requests served; the gateways should fetch once each and then use their cached key.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    private int _jwksRequests;

    public static async Task<TokenIssuer> StartAsync()
    {
        var issuer = new TokenIssuer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var jwks = new JsonObject { ["keys"] = new JsonArray(issuer.PublicJwk()) }.ToJsonString();
        app.MapGet("/oauth2/key", () =>
        {
            Interlocked.Increment(ref issuer._jwksRequests);
            return Results.Text(jwks, "application/json");
        });
        await app.StartAsync().ConfigureAwait(false);
        issuer._app = app;
        issuer.BaseUrl = app.Urls.First();
        return issuer;
    }

    /// <summary>
    /// An access token for the benchmark's caller: <c>alice</c> of tenant <c>bench</c>, valid for an hour. Passing
    /// null for <paramref name="role"/> leaves the role claim out. <paramref name="clientId"/> is the budget's subject.
    /// </summary>
    public string Token(string? role, string tenant = "bench", string clientId = "bench-client")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "alice",
            ["client_id"] = clientId,
            ["tenant"] = tenant,
            ["scope"] = "mcp.use accounts.read",
            ["iat"] = now,
            ["exp"] = now + 3600,
        };
        if (role is not null)
        {
            claims["role"] = role;
        }

        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = KeyId };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64(signature);
    }

    private JsonObject PublicJwk()
    {
        var p = _rsa.ExportParameters(false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = KeyId, ["use"] = "sig", ["alg"] = "RS256", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _rsa.Dispose();
    }
}
