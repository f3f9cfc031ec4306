using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Gateway.Tests.Security;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.AccessControl;

/// <summary>The outputSchema is checked on what the caller receives: after the response filter.</summary>
public sealed class FilteredOutputSchemaTests
{
    [Fact]
    public async Task A_column_filter_that_removes_a_required_property_fails_that_callers_result_only()
    {
        var rsa = TestKey.NewRsa("rsa-out");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        var seed = File.ReadAllText(Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Rules.Tests", "Seeds", "fga-accounts.yml"));
        dir.WriteConfig("rule.yml", seed.Replace("rule.endpointRules:", "endpointRules:", StringComparison.Ordinal));
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $$$"""
            {{{JwtCallers.McpValues}}}
            access-control.enabled: true
            access-control.defaultInclude: true
            mcp-router.tools:
              - name: accounts
                targetHost: "{{{api.BaseUrl}}}"
                path: /v1/accounts
                method: GET
                outputSchema:
                  type: object
                  required: [items]
                  properties:
                    items: {type: array, items: {type: object, required: [accountNo, status]}}
            """);
        await using var _ = runtime;
        using var __ = client;

        async Task<JsonObject> CallAsync(string role) =>
            await (await JwtCallers.SessionAsync(client, rsa, role)).CallToolAsync("accounts");

        var manager = await CallAsync("account-manager");
        Assert.Null(manager["isError"]);
        Assert.Equal(3, manager["structuredContent"]!["items"]!.AsArray().Count);

        // The teller's columns exclude status, which the schema requires: an error result, no data.
        var teller = await CallAsync("teller");
        Assert.True(teller["isError"]!.GetValue<bool>());
        Assert.StartsWith("Output does not match the tool's outputSchema:", McpWire.FirstText(teller), StringComparison.Ordinal);
        Assert.Null(teller["structuredContent"]);
    }
}
