using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Handlers;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>The security handler in front of /mcp and plain routes, against a real JWKS server.</summary>
public sealed class SecurityHandlerTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "gateway";

    /// <summary>A gateway with security in front of /mcp, /private, /admin and the metadata path; /public is skipped.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public required JwksServer Keys { get; init; }
        public required TestApi Api { get; init; }
        public required TempDirectory Dir { get; init; }
        public required LightRuntime<GatewayModel> Runtime { get; init; }
        public required HttpClient Client { get; init; }
        public required TestKey Rsa { get; init; }
        public required TestKey Ec { get; init; }

        /// <summary>The gateway's clock: moves only when the test advances it.</summary>
        public required TestClock Clock { get; init; }

        public string BaseUrl => Runtime.Addresses[0].TrimEnd('/');

        public static async Task<Setup> StartAsync(int keyRefreshSeconds = 1)
        {
            var rsa = TestKey.NewRsa("rsa-1");
            var ec = TestKey.NewEc("ec-1");
            var keys = await JwksServer.StartAsync(rsa, ec);
            var api = await TestApi.StartAsync();
            var dir = new TempDirectory();
            dir.WriteConfig("client.yml", keys.ClientYml());
            var values = $$"""
                handler.handlers: [security, mcp, health]
                handler.chains:
                  secured: [security]
                handler.paths:
                  - {path: /mcp, method: POST, exec: [secured, mcp]}
                  - {path: /mcp, method: GET, exec: [secured, mcp]}
                  - {path: /mcp, method: DELETE, exec: [secured, mcp]}
                  - {path: /.well-known/oauth-protected-resource/*, method: GET, exec: [security]}
                  - {path: /public/ping, method: GET, exec: [security, health]}
                  - {path: /private/ping, method: GET, exec: [security, health]}
                  - {path: /admin/ping, method: GET, exec: [security, health]}
                security.issuer: {{Issuer}}
                security.audience: [{{Audience}}]
                security.skipPathPrefixes: [/public]
                security.enableVerifyScope: true
                security.pathPrefixScopes: {/admin: [admin.write]}
                security.passThroughClaims: {uid: X-User-Id}
                security.jwt.keyRefreshMinIntervalSeconds: {{keyRefreshSeconds}}
                security.resourceMetadata.authorizationServers: [{{Issuer}}]
                mcp-router.tools:
                  - {name: weather, targetHost: "{{api.BaseUrl}}", path: /weather, method: GET}
                """;
            var clock = new TestClock();
            clock.Advance(DateTimeOffset.UtcNow - clock.GetUtcNow());
            var (runtime, client) = await GatewayTestHost.StartAsync(dir, values, options => options with { TimeProvider = clock });
            return new Setup { Keys = keys, Api = api, Dir = dir, Runtime = runtime, Client = client, Rsa = rsa, Ec = ec, Clock = clock };
        }

        public HttpClient ClientWith(string token)
        {
            var client = new HttpClient { BaseAddress = Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public async Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? scopeToken = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }

            if (scopeToken is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Scope-Token", scopeToken);
            }

            return await Client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Runtime.DisposeAsync();
            await Api.DisposeAsync();
            await Keys.DisposeAsync();
            Dir.Dispose();
        }
    }

    private static JsonObject Claims(string uid = "alice", string? scope = null, long? exp = null, long? nbf = null,
        string iss = Issuer, string aud = Audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = iss,
            ["aud"] = aud,
            ["sub"] = uid,
            ["uid"] = uid,
            ["cid"] = "agent-client",
            ["iat"] = now,
            ["exp"] = exp ?? now + 600,
        };
        if (nbf is not null)
        {
            claims["nbf"] = nbf;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return claims;
    }

    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static string Challenge(HttpResponseMessage response) => string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));

    [Fact]
    public async Task Rs256_and_Es256_tokens_reach_mcp_and_sessions_are_bound_to_the_principal()
    {
        await using var setup = await Setup.StartAsync();
        using var alice = setup.ClientWith(setup.Rsa.Sign(Claims("alice")));
        using var bob = setup.ClientWith(setup.Ec.Sign(Claims("bob")));

        var aliceWire = new McpWire(alice);
        var init = await aliceWire.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, init.Status);
        Assert.NotNull(aliceWire.SessionId);
        Assert.Contains("weather", await aliceWire.ListToolNamesAsync());

        var bobWire = new McpWire(bob);
        Assert.Equal(HttpStatusCode.OK, (await bobWire.InitializeAsync()).Status);
        Assert.Contains("weather", await bobWire.ListToolNamesAsync());

        // Bob presenting Alice's session id is refused: the session belongs to Alice's principal.
        var stolen = await bobWire.RequestAsync("tools/list", sessionId: aliceWire.SessionId);
        Assert.Equal(HttpStatusCode.Forbidden, stolen.Status);
        Assert.Equal(-32001, stolen.ErrorCode);

        // Without a token /mcp is not reached at all.
        var anonymous = await new McpWire(setup.Client).InitializeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    [Fact]
    public async Task Bad_tokens_get_401_with_a_resource_metadata_challenge()
    {
        await using var setup = await Setup.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var rsaPublicPem = Encoding.ASCII.GetBytes(setup.Rsa.Rsa!.ExportSubjectPublicKeyInfoPem());
        var good = setup.Rsa.Sign(Claims());
        var parts = good.Split('.');
        var flipped = parts[2][..^2] + (parts[2][^2] == 'A' ? 'B' : 'A') + parts[2][^1];

        var cases = new (string Name, string Token, string Code)[]
        {
            ("expired", setup.Rsa.Sign(Claims(exp: now - 3600)), "ERR10001"),
            ("not yet valid", setup.Rsa.Sign(Claims(nbf: now + 3600)), "ERR10000"),
            ("wrong issuer", setup.Rsa.Sign(Claims(iss: "https://evil.test")), "ERR10000"),
            ("wrong audience", setup.Ec.Sign(Claims(aud: "someone-else")), "ERR10000"),
            ("alg none", Unsigned(new JsonObject { ["alg"] = "none", ["kid"] = "rsa-1" }, Claims()) + ".", "ERR10000"),
            ("alg none, no signature part", Unsigned(new JsonObject { ["alg"] = "none" }, Claims()), "ERR10000"),
            ("HS256 with the RSA public key", Hs256(rsaPublicPem, "rsa-1", Claims()), "ERR10000"),
            ("RS256 header on the EC key", SwapKid(setup.Rsa.Sign(Claims()), "ec-1", setup.Rsa), "ERR10000"),
            ("tampered signature", parts[0] + "." + parts[1] + "." + flipped, "ERR10000"),
            ("tampered payload", parts[0] + "." + TestKey.B64(Encoding.UTF8.GetBytes(Claims("mallory").ToJsonString())) + "." + parts[2], "ERR10000"),
            ("garbage", "not-a-jwt", "ERR10000"),
        };

        foreach (var (name, token, code) in cases)
        {
            using var response = await setup.GetAsync("/private/ping", token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
            var challenge = Challenge(response);
            Assert.Contains($"resource_metadata=\"{setup.BaseUrl}/.well-known/oauth-protected-resource\"", challenge);
            Assert.Contains("error=\"invalid_token\"", challenge);
            var body = await BodyAsync(response);
            Assert.True(body["code"]!.GetValue<string>() == code, $"{name}: {body}");
            Assert.Equal(401, body["statusCode"]!.GetValue<int>());
        }

        using var missing = await setup.GetAsync("/private/ping");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{setup.BaseUrl}/.well-known/oauth-protected-resource\"", Challenge(missing));
        Assert.Equal("ERR10002", (await BodyAsync(missing))["code"]!.GetValue<string>());

        // Within the clock skew (60 s) a just-expired token still passes; a good one passes.
        using var skewed = await setup.GetAsync("/private/ping", setup.Rsa.Sign(Claims(exp: now - 20)));
        Assert.Equal(HttpStatusCode.OK, skewed.StatusCode);
        using var ok = await setup.GetAsync("/private/ping", good);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Insufficient_scope_is_403_and_the_right_scope_passes()
    {
        await using var setup = await Setup.StartAsync();
        using var denied = await setup.GetAsync("/admin/ping", setup.Rsa.Sign(Claims(scope: "read")));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("error=\"insufficient_scope\"", Challenge(denied));
        Assert.Contains("scope=\"admin.write\"", Challenge(denied));
        Assert.Equal("ERR10005", (await BodyAsync(denied))["code"]!.GetValue<string>());

        using var allowed = await setup.GetAsync("/admin/ping", setup.Rsa.Sign(Claims(scope: "read admin.write")));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        // No required scope outside /admin.
        using var other = await setup.GetAsync("/private/ping", setup.Rsa.Sign(Claims(scope: "read")));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Skipped_prefixes_pass_without_a_token_and_X_Scope_Token_is_the_fallback()
    {
        await using var setup = await Setup.StartAsync();
        using var open = await setup.GetAsync("/public/ping");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        using var closed = await setup.GetAsync("/private/ping");
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);

        using var scoped = await setup.GetAsync("/private/ping", scopeToken: "Bearer " + setup.Ec.Sign(Claims()));
        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);

        using var badScoped = await setup.GetAsync("/private/ping", scopeToken: "Bearer " + setup.Ec.Sign(Claims(aud: "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, badScoped.StatusCode);
        Assert.Equal("ERR10003", (await BodyAsync(badScoped))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pass_through_claims_reach_the_HTTP_API_and_cannot_be_forged()
    {
        await using var setup = await Setup.StartAsync();
        using var alice = setup.ClientWith(setup.Rsa.Sign(Claims("alice")));
        alice.DefaultRequestHeaders.Add("X-User-Id", "mallory");
        var wire = new McpWire(alice);
        Assert.Equal(HttpStatusCode.OK, (await wire.InitializeAsync()).Status);
        await wire.CallToolAsync("weather", new JsonObject { ["city"] = "Oslo" });
        var headers = setup.Api.LastRequest!["headers"]!;
        Assert.Equal("alice", headers["x-user-id"]!.GetValue<string>());
        Assert.Null(headers["authorization"]);
    }

    [Fact]
    public async Task Protected_resource_metadata_is_served_without_a_token()
    {
        await using var setup = await Setup.StartAsync();
        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            using var response = await setup.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var document = await BodyAsync(response);
            Assert.Equal(setup.BaseUrl + "/mcp", document["resource"]!.GetValue<string>());
            Assert.Equal(Issuer, document["authorization_servers"]![0]!.GetValue<string>());
            Assert.Equal("admin.write", document["scopes_supported"]![0]!.GetValue<string>());
            Assert.Equal("header", document["bearer_methods_supported"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_new_kid_refreshes_once_and_a_flood_of_unknown_kids_is_rate_limited()
    {
        await using var setup = await Setup.StartAsync(keyRefreshSeconds: 2);
        using (var first = await setup.GetAsync("/private/ping", setup.Rsa.Sign(Claims())))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(1, setup.Keys.Requests);

        // Rotation: the authorization server starts signing with a new key.
        var rotated = TestKey.NewRsa("rsa-2");
        setup.Keys.Publish(rotated);
        setup.Clock.Advance(TimeSpan.FromSeconds(2.2));
        var rotatedTokens = Enumerable.Range(0, 20).Select(i => rotated.Sign(Claims("user" + i))).ToArray();
        var rotatedResponses = await Task.WhenAll(rotatedTokens.Select(t => setup.GetAsync("/private/ping", t)));
        Assert.All(rotatedResponses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, setup.Keys.Requests);

        // A flood of made-up key ids within the refresh interval fetches nothing.
        var forged = TestKey.NewRsa("forged");
        var flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => setup.GetAsync("/private/ping", forged.Sign(Claims(), kid: "kid-" + i))));
        Assert.All(flood, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(2, setup.Keys.Requests);

        // After the interval, the next flood causes exactly one fetch.
        setup.Clock.Advance(TimeSpan.FromSeconds(2.2));
        flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => setup.GetAsync("/private/ping", forged.Sign(Claims(), kid: "again-" + i))));
        Assert.All(flood, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(3, setup.Keys.Requests);
    }

    [Fact]
    public async Task An_unreachable_key_server_gives_502()
    {
        await using var setup = await Setup.StartAsync();
        setup.Keys.Failing = true;
        using var response = await setup.GetAsync("/private/ping", setup.Rsa.Sign(Claims()));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("ERR10056", (await BodyAsync(response))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Security_without_a_JWKS_endpoint_is_a_config_error_and_the_ids_are_available()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [security]
            handler.paths:
              - {path: /x, method: GET, exec: [jwt]}
            """);
        var error = await GatewayTestHost.BuildFailsAsync(dir);
        Assert.Contains("oauth.token.key.server_url", error.Message);
        Assert.DoesNotContain("security", HandlerRegistry.ReservedIds);
        Assert.DoesNotContain("jwt", HandlerRegistry.ReservedIds);
    }

    [Fact]
    public async Task A_key_server_url_that_is_not_a_url_is_a_config_error()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [security]
            handler.paths:
              - {path: /x, method: GET, exec: [security]}
            client.tokenKeyServerUrl: "http://bad host:99"
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);

        Assert.Contains("is not a valid absolute URL", error.Message);
        Assert.Contains("bad host", error.Message);
    }

    private static string Unsigned(JsonObject header, JsonObject claims) =>
        TestKey.B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + TestKey.B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));

    private static string Hs256(byte[] secret, string kid, JsonObject claims)
    {
        var input = Unsigned(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = kid }, claims);
        return input + "." + TestKey.B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private static string SwapKid(string token, string kid, TestKey signer) =>
        signer.Sign((JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[1]))))!, kid: kid);

    private static string Pad(string b64)
    {
        var s = b64.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
