using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>The basic-auth handler: users limited to path prefixes, anonymous paths, bearer pass-through.</summary>
public sealed class BasicAuthTests
{
    private const string Config = """
        handler.handlers: [basic-auth, health]
        handler.defaultHandlers: [basic-auth, health]
        basic.enabled: true
        basic.allowAnonymous: true
        basic.allowBearerToken: true
        basic.users:
          - {username: alice, password: "s3cret:with:colons", paths: [/mcp]}
          - {username: anonymous, paths: [/open]}
        """;

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString());
        }

        return response.StatusCode;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task Users_open_their_paths_only()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Config);
        await using var _ = runtime;
        using var __ = client;

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/mcp", Basic("alice", "s3cret:with:colons")));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/mcp/sub", Basic("alice", "s3cret:with:colons")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/mcp", Basic("alice", "wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/mcp", Basic("mallory", "s3cret:with:colons")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/mcp", "Basic not-base64!"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(client, "/admin", Basic("alice", "s3cret:with:colons")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/mcp"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/open"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, "/mcp", Basic("anonymous", "")));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "/mcp", "Bearer some.jwt.token"));
    }
}
