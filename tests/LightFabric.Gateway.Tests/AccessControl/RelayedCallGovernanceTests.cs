using System.Text.Json.Nodes;
using LightFabric.Gateway.Tests.Security;
using LightFabric.Governance.Audit;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.AccessControl;

/// <summary>resources/read, prompts/get and completion/complete are governed calls: rules on {uri}@read and {name}@get, and audit records.</summary>
public sealed class RelayedCallGovernanceTests
{
    [Fact]
    public async Task Rules_decide_resources_prompts_and_completions_and_each_call_is_audited()
    {
        var rsa = TestKey.NewRsa("rsa-relayed");
        await using var keys = await JwksServer.StartAsync(rsa);
        using var dir = new TempDirectory();
        dir.WriteConfig("client.yml", keys.ClientYml());
        dir.WriteConfig("rule.yml", """
            ruleBodies:
              tellers:
                ruleId: tellers
                ruleType: req-acc
                actions: [{actionClassName: RoleBasedAccessControlAction}]
            endpointRules:
              simple-prompt@get:
                req-acc: [tellers]
                permission: {roles: teller}
              completable-prompt@get:
                req-acc: [tellers]
                permission: {roles: teller}
            """);
        var db = Path.Combine(dir.Path, "audit.db");
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, $"""
            handler.handlers: [security, audit, mcp]
            handler.paths:
              - {"{"}path: /mcp, method: POST, exec: [security, audit, mcp]{"}"}
            security.issuer: {JwtCallers.Issuer}
            security.audience: [{JwtCallers.Audience}]
            access-control.enabled: true
            audit.jsonl: false
            audit.sqlitePath: "{db}"
            audit.durability: strict
            mcp-router.servers:
              - name: local
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
            """);
        await using var _ = runtime;
        using var __ = client;

        var teller = await JwtCallers.SessionAsync(client, rsa, "teller");
        var guest = await JwtCallers.SessionAsync(client, rsa, "guest");

        Assert.NotNull((await teller.RequestAsync("prompts/get", new JsonObject { ["name"] = "simple-prompt" })).Result);
        var deniedPrompt = await guest.RequestAsync("prompts/get", new JsonObject { ["name"] = "simple-prompt" });
        Assert.Equal(-32001, deniedPrompt.ErrorCode);
        Assert.Equal("simple-prompt@get", deniedPrompt.Message!["error"]!["data"]!["endpoint"]!.GetValue<string>());

        var completion = new JsonObject
        {
            ["ref"] = new JsonObject { ["type"] = "ref/prompt", ["name"] = "completable-prompt" },
            ["argument"] = new JsonObject { ["name"] = "department", ["value"] = "Eng" },
        };
        Assert.NotNull((await teller.RequestAsync("completion/complete", completion.DeepClone().AsObject())).Result);
        Assert.Equal(-32001, (await guest.RequestAsync("completion/complete", completion.DeepClone().AsObject())).ErrorCode);

        // No rule for any resource: denied by defaultDeny, for everyone.
        var uri = (await teller.RequestAsync("resources/list")).Result!["resources"]![0]!["uri"]!.GetValue<string>();
        var read = await teller.RequestAsync("resources/read", new JsonObject { ["uri"] = uri });
        Assert.Equal(-32001, read.ErrorCode);
        Assert.Contains($"no access control rule defined for {uri}@read", read.ErrorMessage);

        using var store = SqliteAuditStore.OpenExisting(db);
        var records = (await store.QueryAsync(new AuditQuery(), default)).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        Assert.Equal(["prompts/get", "prompts/get", "completion/complete", "completion/complete", "resources/read"], records.Select(r => r.Method));
        Assert.Equal(["ok", "denied", "ok", "denied", "denied"], records.Select(r => r.Outcome));
        Assert.Equal("simple-prompt", records[0].Target);
        Assert.Equal("teller", records[0].PrincipalSub);
        Assert.Equal(uri, records[4].Target);
    }
}
