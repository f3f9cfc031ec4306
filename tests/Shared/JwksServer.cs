using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.Testing;

/// <summary>A test signing key: the private half signs tokens, the public half is published as a JWK.</summary>
internal sealed class TestKey
{
    private TestKey(string kid, RSA? rsa, ECDsa? ec)
    {
        Kid = kid;
        Rsa = rsa;
        Ec = ec;
    }

    public string Kid { get; }

    public RSA? Rsa { get; }

    public ECDsa? Ec { get; }

    public static TestKey NewRsa(string kid) => new(kid, RSA.Create(2048), null);

    public static TestKey NewEc(string kid) => new(kid, null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public JsonObject PublicJwk()
    {
        if (Rsa is not null)
        {
            var p = Rsa.ExportParameters(false);
            return new JsonObject { ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
        }

        var q = Ec!.ExportParameters(false).Q;
        return new JsonObject { ["kty"] = "EC", ["kid"] = Kid, ["use"] = "sig", ["crv"] = "P-256", ["x"] = B64(q.X!), ["y"] = B64(q.Y!) };
    }

    /// <summary>A compact JWS over <paramref name="claims"/> (RS256 or ES256 unless <paramref name="alg"/> says otherwise).</summary>
    public string Sign(JsonObject claims, string? alg = null, string? kid = null)
    {
        alg ??= Rsa is not null ? "RS256" : "ES256";
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = kid ?? Kid };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = Rsa is not null
            ? Rsa.SignData(data, HashAlgorithmName.SHA256, alg.StartsWith('P') ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1)
            : Ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// A real key server on 127.0.0.1: <c>GET /oauth2/key</c> answers the JWKS of the published keys (behind HTTP
/// Basic) and counts every request, so tests can see how often the gateway fetched.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    public const string ClientId = "gateway-client";
    public const string ClientSecret = "key-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TestKey> _published = new();
    private int _requests;

    private JwksServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public bool Failing { get; set; }

    public void Publish(TestKey key) => _published[key.Kid] = key;

    public static async Task<JwksServer> StartAsync(params TestKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new JwksServer(app);
        foreach (var key in keys)
        {
            server.Publish(key);
        }

        app.MapGet("/oauth2/key", (HttpContext context) =>
        {
            Interlocked.Increment(ref server._requests);
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
            if (context.Request.Headers.Authorization != expected)
            {
                return Results.StatusCode(401);
            }

            if (server.Failing)
            {
                return Results.StatusCode(503);
            }

            var jwks = new JsonObject { ["keys"] = new JsonArray(server._published.Values.Select(k => (JsonNode?)k.PublicJwk()).ToArray()) };
            return Results.Text(jwks.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    /// <summary>config/client.yml pointing the gateway at this server.</summary>
    public string ClientYml() => $"""
        tls:
          verifyHostname: true
        oauth:
          token:
            key:
              server_url: {BaseUrl}
              uri: /oauth2/key
              client_id: {ClientId}
              client_secret: {ClientSecret}
        """;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
