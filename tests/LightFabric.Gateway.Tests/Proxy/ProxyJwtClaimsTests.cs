using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>forwardJwtClaims behind the security handler: the verified claims reach the backend in the jwt header.</summary>
public sealed class ProxyJwtClaimsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verified_claims_are_forwarded_and_a_client_supplied_jwt_header_is_not(bool forward)
    {
        var key = TestKey.NewRsa("rsa-proxy");
        await using var keys = await JwksServer.StartAsync(key);
        await using var backend = await ProxyBackend.StartAsync("a");
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $$"""
            handler.handlers: [correlation, security, proxy]
            handler.paths:
              - {path: /v1/*, method: GET, exec: [correlation, security, proxy]}
            security.issuer: https://issuer.test
            security.audience: [gateway]
            proxy.hosts: {{backend.BaseUrl}}
            proxy.forwardJwtClaims: {{(forward ? "true" : "false")}}
            """);
        await using var _ = runtime;
        using var __ = client;

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject { ["iss"] = "https://issuer.test", ["aud"] = "gateway", ["sub"] = "alice", ["uid"] = "alice", ["exp"] = now + 300 };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Sign(claims));
        request.Headers.TryAddWithoutValidation("jwt", """{"uid":"mallory"}""");
        var headers = (await ProxyGateway.EchoAsync(await client.SendAsync(request)))["headers"]!.AsObject();

        Assert.StartsWith("Bearer ", headers["authorization"]!.GetValue<string>());
        var jwt = JsonNode.Parse(headers["jwt"]!.GetValue<string>())!;
        if (forward)
        {
            Assert.Equal("alice", jwt["uid"]!.GetValue<string>());
            Assert.Equal("https://issuer.test", jwt["iss"]!.GetValue<string>());
        }
        else
        {
            // Off, the header is the client's business and passes like any other.
            Assert.Equal("mallory", jwt["uid"]!.GetValue<string>());
        }
    }
}
