using System.Text.Json.Nodes;
using LightFabric.Gateway.Chains;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Gateway.Tests.Security;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Budget;

/// <summary>
/// A real gateway with [security, budget, mcp] on /mcp whose tools call a real <see cref="TestApi"/> — <c>weather</c>
/// (GET /weather) and <c>items</c> (GET /items) — and [security, budget, proxy] on GET /items and /weather, forwarded
/// to the same API; callers present JWTs from a real JWKS server.
/// </summary>
internal sealed class BudgetGateway : IAsyncDisposable
{
    private readonly JwksServer _keys;

    private BudgetGateway(JwksServer keys, TestKey key, TestApi api, TempDirectory dir, LightRuntime<GatewayModel> runtime, HttpClient client)
    {
        _keys = keys;
        Key = key;
        Api = api;
        Dir = dir;
        Runtime = runtime;
        Client = client;
    }

    public TestKey Key { get; }

    public TestApi Api { get; }

    public TempDirectory Dir { get; }

    public LightRuntime<GatewayModel> Runtime { get; }

    public HttpClient Client { get; }

    /// <param name="budgetValues">budget.* values.yml lines.</param>
    /// <param name="extraValues">Other values.yml lines.</param>
    /// <param name="chain">The chain of /mcp; <paramref name="proxyChain"/> that of the proxy routes.</param>
    /// <param name="proxyHost">Where the proxy routes (/items, /weather) forward; the test API when null.</param>
    /// <param name="dir">The service directory to use (a restart reuses one); a new one when null.</param>
    public static async Task<BudgetGateway> StartAsync(string budgetValues, string extraValues = "", TempDirectory? dir = null, TestKey? key = null,
        LogCapture? logs = null, string? proxyHost = null, string chain = "[security, budget, mcp]", string proxyChain = "[security, budget, proxy]")
    {
        key ??= TestKey.NewRsa("rsa-budget");
        var keys = await JwksServer.StartAsync(key);
        var api = await TestApi.StartAsync();
        dir ??= new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        LightRuntime<GatewayModel> runtime;
        HttpClient client;
        try
        {
            (runtime, client) = await GatewayTestHost.StartAsync(dir, $$"""
            handler.handlers: [security, access-control, budget, audit, mcp, proxy]
            handler.paths:
              - {path: /mcp, method: POST, exec: {{chain}}}
              - {path: /items, method: GET, exec: {{proxyChain}}}
              - {path: /weather, method: GET, exec: {{proxyChain}}}
            security.issuer: {{JwtCallers.Issuer}}
            security.audience: [{{JwtCallers.Audience}}]
            mcp-router.tools:
              - {name: weather, targetHost: "{{api.BaseUrl}}", path: /weather, method: GET}
              - {name: items, targetHost: "{{api.BaseUrl}}", path: /items, method: GET}
              - {name: unreachable, targetHost: "http://127.0.0.1:9", path: /nothing, method: GET}
            proxy.hosts: "{{proxyHost ?? api.BaseUrl}}"
            {{budgetValues}}
            {{extraValues}}
            """, logs);
        }
        catch
        {
            // A gateway that did not start leaves nothing running.
            await api.DisposeAsync();
            await keys.DisposeAsync();
            throw;
        }

        return new BudgetGateway(keys, key, api, dir, runtime, client);
    }

    /// <summary>An initialized MCP session of the caller with these claims (sub defaults to "guest").</summary>
    public Task<McpWire> SessionAsync(JsonObject claims) => JwtCallers.SessionAsync(Client, Key, null, claims);

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        Client.Dispose();
        await Api.DisposeAsync();
        await _keys.DisposeAsync();
    }
}
