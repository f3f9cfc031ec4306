using System.Net;
using LightFabric.Gateway.Security;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Runtime.Modules;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>The apikey handler in front of /mcp, with plain and hashed keys.</summary>
public sealed class ApiKeyTests
{
    private static string Config(string key, bool hashed) => $$"""
        handler.handlers: [apikey, mcp]
        handler.paths:
          - {path: /mcp, method: POST, exec: [apikey, mcp]}
          - {path: /open, method: GET, exec: [apikey, health]}
        apikey.hashEnabled: {{(hashed ? "true" : "false")}}
        apikey.pathPrefixAuths:
          - {pathPrefix: /mcp, headerName: x-api-key, apiKey: "{{key}}"}
        mcp-router.tools:
          - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Only_the_configured_key_opens_the_prefix(bool hashed)
    {
        const string Key = "k-3f9a-secret";
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Config(hashed ? ApiKeyHash.Create(Key, 1000) : Key, hashed));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);

        var missing = await wire.InitializeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Contains("ERR10075", missing.Raw);
        Assert.DoesNotContain(Key, missing.Raw);

        var wrong = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""",
            headers: new Dictionary<string, string> { ["x-api-key"] = "k-3f9a-secreT" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);

        var right = await wire.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""",
            headers: new Dictionary<string, string> { ["x-api-key"] = Key });
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.NotNull(right.Header("Mcp-Session-Id"));

        // Paths under no configured prefix pass without a key.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/open")).StatusCode);
    }

    [Fact]
    public async Task A_reload_that_changes_only_the_key_reports_the_apikey_module_without_showing_either_key()
    {
        const string OldKey = "k-old-7c1e-secret";
        const string NewKey = "k-new-52ab-secret";
        static string Values(string key) => $$"""
            handler.handlers: [apikey, health]
            handler.paths:
              - {path: /ping, method: GET, exec: [apikey, health]}
            apikey.pathPrefixAuths:
              - {pathPrefix: /ping, headerName: x-api-key, apiKey: "{{key}}"}
            """;
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Values(OldKey));
        await using var _ = runtime;
        using var __ = client;
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(client, OldKey));

        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + Values(NewKey));
        var report = await runtime.ReloadAsync();

        Assert.True(report.Applied, report.ToString());
        var apikey = Assert.Single(report.Modules, m => m.Module == "light-gateway/apikey");
        Assert.Equal(ModuleReloadStatus.Reloaded, apikey.Status);
        Assert.Equal("changed: pathPrefixAuths[0].apiKey", apikey.Message);
        Assert.Contains("light-gateway/apikey: reloaded (changed: pathPrefixAuths[0].apiKey)", report.ToString());
        Assert.Contains(report.Modules, m => m.Module == "light-gateway/handler" && m.Status == ModuleReloadStatus.Skipped);
        Assert.DoesNotContain(OldKey, report.ToString());
        Assert.DoesNotContain(NewKey, report.ToString());
        Assert.DoesNotContain(NewKey, runtime.Modules.Find("light-gateway/apikey")!.MaskedConfig!.ToJsonString());
        Assert.DoesNotContain(NewKey, runtime.Modules.Find("light-gateway/apikey")!.Fingerprint);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(client, OldKey));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(client, NewKey));

        // The same file again changes nothing.
        var again = await runtime.ReloadAsync();
        Assert.Contains(again.Modules, m => m.Module == "light-gateway/apikey" && m.Status == ModuleReloadStatus.Skipped);
        Assert.Contains("no module changed", again.ToString());
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ping");
        request.Headers.Add("x-api-key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_quoted_hashEnabled_still_hashes_so_the_stored_hash_is_not_itself_a_key()
    {
        const string Key = "k-quoted-secret";
        var hash = ApiKeyHash.Create(Key, 1000);
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Config(hash, hashed: true)
            .Replace("apikey.hashEnabled: true", "apikey.hashEnabled: \"true\"", StringComparison.Ordinal));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await wire.SendAsync(Initialize, headers: new Dictionary<string, string> { ["x-api-key"] = hash })).Status);
        Assert.Equal(HttpStatusCode.OK, (await wire.SendAsync(Initialize, headers: new Dictionary<string, string> { ["x-api-key"] = Key })).Status);
    }

    [Fact]
    public async Task Malformed_entries_are_reported_with_their_keys()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            handler.handlers: [apikey]
            handler.defaultHandlers: [apikey]
            apikey.hashEnabled: true
            apikey.enabled: maybe
            apikey.pathPrefixAuths:
              - {pathPrefix: mcp, headerName: x-api-key, apiKey: a}
              - {pathPrefix: /b, headerName: x-api-key, apiKey: "not-a-hash"}
            """);

        var error = await GatewayTestHost.BuildFailsAsync(dir);
        var text = string.Join("\n", error.Problems.Select(p => p.ToString()));

        Assert.Contains("values.yml: apikey.pathPrefixAuths[0].pathPrefix (used by apikey.yml): ", text);
        Assert.Contains("values.yml: apikey.pathPrefixAuths[1].apiKey (used by apikey.yml): ", text);
        Assert.Contains("values.yml: apikey.enabled (used by apikey.yml): expected true or false", text);
    }
}
