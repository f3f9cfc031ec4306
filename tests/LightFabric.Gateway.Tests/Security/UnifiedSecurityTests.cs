using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>unified-security: per prefix a choice of jwt, apikey and basic, with anonymous prefixes.</summary>
public sealed class UnifiedSecurityTests
{
    [Fact]
    public async Task Each_prefix_accepts_exactly_its_methods()
    {
        var rsa = TestKey.NewRsa("rsa-u");
        await using var keys = await JwksServer.StartAsync(rsa);
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, """
            handler.handlers: [unified-security, health]
            handler.defaultHandlers: [unified-security, health]
            security.issuer: https://issuer.test
            security.audience: [gateway]
            apikey.pathPrefixAuths:
              - {pathPrefix: /mixed, headerName: x-api-key, apiKey: key-1}
            basic.users:
              - {username: bob, password: pw}
            unified-security.anonymousPrefixes: [/open]
            unified-security.pathPrefixAuths:
              - {prefix: /jwt, jwt: true}
              - {prefix: /mixed, jwt: true, apikey: true, basic: true}
            """);
        await using var _ = runtime;
        using var __ = client;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = rsa.Sign(new JsonObject { ["iss"] = "https://issuer.test", ["aud"] = "gateway", ["sub"] = "u1", ["exp"] = now + 300, ["iat"] = now });
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:pw"));

        async Task<HttpStatusCode> Get(string path, string? header = null, string? value = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Get("/open/x"));
        Assert.Equal(HttpStatusCode.OK, await Get("/elsewhere"));

        Assert.Equal(HttpStatusCode.OK, await Get("/jwt/x", "Authorization", "Bearer " + token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/jwt/x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/jwt/x", "Authorization", basic));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/jwt/x", "x-api-key", "key-1"));

        Assert.Equal(HttpStatusCode.OK, await Get("/mixed/x", "Authorization", "Bearer " + token));
        Assert.Equal(HttpStatusCode.OK, await Get("/mixed/x", "Authorization", basic));
        Assert.Equal(HttpStatusCode.OK, await Get("/mixed/x", "x-api-key", "key-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/mixed/x", "x-api-key", "key-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/mixed/x"));
    }

    [Fact]
    public async Task A_unified_prefix_never_passes_a_request_its_method_file_leaves_uncovered()
    {
        var rsa = TestKey.NewRsa("rsa-u2");
        await using var keys = await JwksServer.StartAsync(rsa);
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        // apikey.yml covers only /api/v1 and security.yml skips /jwt/public: under the unified prefixes neither
        // gap may open a path.
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, """
            handler.handlers: [unified-security, health]
            handler.defaultHandlers: [unified-security, health]
            security.issuer: https://issuer.test
            security.audience: [gateway]
            security.skipPathPrefixes: [/jwt/public]
            apikey.pathPrefixAuths:
              - {pathPrefix: /api/v1, headerName: x-api-key, apiKey: key-1}
            unified-security.pathPrefixAuths:
              - {prefix: /api, apikey: true}
              - {prefix: /jwt, jwt: true}
            """);
        await using var _ = runtime;
        using var __ = client;

        async Task<HttpStatusCode> Get(string path, string? apiKey = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (apiKey is not null)
            {
                request.Headers.Add("x-api-key", apiKey);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Get("/api/v1/x", "key-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/v2/x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/api/v2/x", "anything"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/jwt/public/x"));
    }

    [Fact]
    public async Task Unsupported_token_kinds_and_empty_prefixes_are_configuration_errors()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [unified-security]
            handler.defaultHandlers: [unified-security]
            unified-security.pathPrefixAuths:
              - {prefix: /a, swt: true}
              - {prefix: /b}
            """);

        var text = string.Join("\n", (await GatewayTestHost.BuildFailsAsync(dir)).Problems.Select(p => p.ToString()));

        Assert.Contains("pathPrefixAuths[0].swt", text);
        Assert.Contains("pathPrefixAuths[1]", text);
        Assert.Contains("unified-security.yml", text);
    }
}
