using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Proxy;

/// <summary>Headers the security handler fills from verified claims cannot be supplied by a caller on any path.</summary>
public sealed class ProxyPassThroughClaimsTests
{
    [Fact]
    public async Task A_forged_claim_header_is_removed_on_paths_that_skip_verification()
    {
        var rsa = TestKey.NewRsa("rsa-skip");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var backend = await ProxyBackend.StartAsync("echo");
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $"""
            handler.handlers: [security, proxy]
            handler.defaultHandlers: [security, proxy]
            security.issuer: https://issuer.test
            security.audience: [gateway]
            security.skipPathPrefixes: [/public]
            security.passThroughClaims: {"{"}uid: X-User-Id{"}"}
            proxy.hosts: {backend.BaseUrl}
            """);
        await using var _ = runtime;
        using var __ = client;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public/profile");
        request.Headers.Add("X-User-Id", "mallory");
        request.Headers.Add("X-Other", "kept");

        var echo = await ProxyGateway.EchoAsync(await client.SendAsync(request));

        Assert.Null(echo["headers"]!["x-user-id"]);
        Assert.Equal("kept", echo["headers"]!["x-other"]!.GetValue<string>());
    }
}
