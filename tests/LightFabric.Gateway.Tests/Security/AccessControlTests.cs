using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Security;

/// <summary>
/// The seed's fine-grained authorization example through the real gateway: JWT callers with different roles see
/// different tools, rows and columns; a caller without a role is denied before anything reaches the API.
/// </summary>
public sealed class AccessControlTests
{
    private static string Values(string baseUrl, string rules) => $$"""
        {{JwtCallers.McpValues}}
        access-control.enabled: true
        access-control.toolsListAccessControl.mode: permission
        mcp-router.tools:
          - {name: accounts, targetHost: "{{baseUrl}}", path: /v1/accounts, method: GET}
          - {name: pets, targetHost: "{{baseUrl}}", path: /items, method: GET, endpoint: /v1/pets@get}
        {{rules}}
        """;

    [Fact]
    public async Task Tellers_and_account_managers_see_different_rows_and_columns_and_others_are_denied()
    {
        var rsa = TestKey.NewRsa("rsa-ac");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        // The seed's example, kept with the rule engine's tests, as this gateway's rule.yml.
        var seed = File.ReadAllText(Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Rules.Tests", "Seeds", "fga-accounts.yml"));
        dir.WriteConfig("rule.yml", seed.Replace("rule.endpointRules:", "endpointRules:", StringComparison.Ordinal));
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Values(api.BaseUrl, "access-control.defaultInclude: true"));
        await using var _ = runtime;
        using var __ = client;
        Task<McpWire> SessionAsync(string? role) => JwtCallers.SessionAsync(client, rsa, role);

        var teller = await SessionAsync("teller");
        var manager = await SessionAsync("account-manager");
        var guest = await SessionAsync(null);

        // Listing shows only what each caller may call (pets needs host-admin).
        Assert.Equal(["accounts"], await teller.ListToolNamesAsync());
        Assert.Empty(await guest.ListToolNamesAsync());

        var tellerRows = (await teller.CallToolAsync("accounts"))["structuredContent"]!["items"]!.AsArray();
        Assert.Equal(["1001", "1003"], tellerRows.Select(r => r!["accountNo"]!.GetValue<string>()));
        Assert.All(tellerRows, r => Assert.Null(r!["status"]));

        var managerResult = await manager.CallToolAsync("accounts");
        var managerRows = managerResult["structuredContent"]!["items"]!.AsArray();
        Assert.Equal(3, managerRows.Count);
        Assert.All(managerRows, r => Assert.NotNull(r!["status"]));
        Assert.Contains("frozen", McpWire.FirstText(managerResult));

        var before = api.LastRequest?.ToJsonString();
        var denied = await guest.RequestAsync("tools/call", new JsonObject { ["name"] = "accounts" });
        Assert.Equal(-32001, denied.ErrorCode);
        Assert.Contains("/v1/accounts@get", denied.ErrorMessage);
        Assert.Equal(before, api.LastRequest?.ToJsonString());

        var notAllowed = await teller.RequestAsync("tools/call", new JsonObject { ["name"] = "pets" });
        Assert.Equal(-32001, notAllowed.ErrorCode);
    }

    [Fact]
    public async Task Claim_mappings_let_another_claim_carry_the_role()
    {
        var rsa = TestKey.NewRsa("rsa-map");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var seed = File.ReadAllText(Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Rules.Tests", "Seeds", "fga-accounts.yml"));
        dir.WriteConfig("rule.yml", seed.Replace("rule.endpointRules:", "endpointRules:", StringComparison.Ordinal));
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Values(api.BaseUrl, """
            access-control.defaultInclude: true
            access-control.claimMappings: {role: [custom_roles]}
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = await JwtCallers.SessionAsync(client, rsa, "clerk", new JsonObject { ["sub"] = "t1", ["custom_roles"] = "teller" });

        var rows = (await wire.CallToolAsync("accounts"))["structuredContent"]!["items"]!.AsArray();

        Assert.Equal(["1001", "1003"], rows.Select(r => r!["accountNo"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_key_server_can_be_set_in_values_without_a_client_yml()
    {
        var rsa = TestKey.NewRsa("rsa-values");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Values(api.BaseUrl, $"""
            access-control.defaultDeny: false
            client.tokenKeyServerUrl: {keys.BaseUrl}
            client.tokenKeyClientId: {JwksServer.ClientId}
            client.tokenKeyClientSecret: {JwksServer.ClientSecret}
            """));
        await using var _ = runtime;
        using var __ = client;
        await JwtCallers.SessionAsync(client, rsa, role: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new McpWire(client).InitializeAsync()).Status);
    }
}
