using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Gateway.Tests.Security;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.AccessControl;

/// <summary>The order of a tools/call's policy steps as callers see it.</summary>
public sealed class ToolCallOrderTests
{
    [Fact]
    public async Task Invalid_arguments_get_schema_errors_only_from_callers_the_rules_allow()
    {
        var rsa = TestKey.NewRsa("rsa-order");
        await using var keys = await JwksServer.StartAsync(rsa);
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        dir.WriteConfig("rule.yml", """
            ruleBodies:
              tellers:
                ruleId: tellers
                ruleType: req-acc
                actions: [{actionClassName: RoleBasedAccessControlAction}]
            endpointRules:
              /orders/{id}@post:
                req-acc: [tellers]
                permission: {roles: teller}
            """);
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $$$$"""
            {{{{JwtCallers.McpValues}}}}
            access-control.enabled: true
            mcp-router.tools:
              - name: order
                targetHost: "{{{{api.BaseUrl}}}}"
                path: "/orders/{id}"
                method: POST
                inputSchema: {type: object, required: [id, quantity], properties: {id: {type: string}, quantity: {type: integer, minimum: 1}}}
            """);
        await using var _ = runtime;
        using var __ = client;

        var bad = new JsonObject { ["name"] = "order", ["arguments"] = new JsonObject { ["id"] = "7", ["quantity"] = 0 } };

        var guest = await JwtCallers.SessionAsync(client, rsa, "guest");
        var denied = await guest.RequestAsync("tools/call", bad.DeepClone().AsObject());
        Assert.Equal(-32001, denied.ErrorCode);
        Assert.DoesNotContain("quantity", denied.Raw);

        var teller = await JwtCallers.SessionAsync(client, rsa, "teller");
        var invalid = await teller.RequestAsync("tools/call", bad.DeepClone().AsObject());
        Assert.True(invalid.Result!["isError"]!.GetValue<bool>());
        Assert.Contains("/quantity: must be >= 1", McpWire.FirstText((JsonObject)invalid.Result!));

        var good = await teller.CallToolAsync("order", new JsonObject { ["id"] = "7", ["quantity"] = 2 });
        Assert.Null(good["isError"]);
        Assert.Equal("/orders/7", api.LastRequest!["path"]!.GetValue<string>());
    }
}
