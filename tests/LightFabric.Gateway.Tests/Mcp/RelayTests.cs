using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>Resources, prompts, completion and logging of aggregated upstreams, relayed through /mcp.</summary>
public sealed class RelayTests
{
    private static string TwoServers(EverythingHttpServer remote) => $"""
        mcp-router.servers:
          - name: local
            transport: stdio
            command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
          - name: remote
            transport: http
            url: "{remote.McpUrl}"
        """;

    [Fact]
    public async Task Resources_prompts_completion_and_logging_reach_their_owners()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(TwoServers(remote)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        var init = await wire.InitializeAsync();
        var capabilities = init.Result!["capabilities"]!;
        Assert.NotNull(capabilities["resources"]);
        Assert.NotNull(capabilities["prompts"]);
        Assert.NotNull(capabilities["logging"]);

        var resources = await wire.RequestAsync("resources/list");
        var uris = resources.Result!["resources"]!.AsArray().Select(r => r!["uri"]!.GetValue<string>()).ToArray();
        Assert.NotEmpty(uris);
        var templates = await wire.RequestAsync("resources/templates/list");
        Assert.Contains(templates.Result!["resourceTemplates"]!.AsArray(), t => t!["uriTemplate"]!.GetValue<string>().Contains("{resourceId}"));

        var read = await wire.RequestAsync("resources/read", new JsonObject { ["uri"] = uris[0] });
        Assert.Equal(uris[0], read.Result!["contents"]![0]!["uri"]!.GetValue<string>());
        var dynamic = await wire.RequestAsync("resources/read", new JsonObject { ["uri"] = "demo://resource/dynamic/text/3" });
        Assert.True(dynamic.Result is not null, dynamic.Raw);

        // Both servers offer the same prompts, so conditional mode prefixes them like tools.
        var prompts = await wire.RequestAsync("prompts/list");
        var names = prompts.Result!["prompts"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToArray();
        Assert.Contains("local_simple-prompt", names);
        Assert.Contains("remote_simple-prompt", names);
        var prompt = await wire.RequestAsync("prompts/get", new JsonObject { ["name"] = "remote_args-prompt", ["arguments"] = new JsonObject { ["city"] = "Oslo" } });
        Assert.Contains("Oslo", prompt.Result!.ToJsonString());
        var unknown = await wire.RequestAsync("prompts/get", new JsonObject { ["name"] = "nope" });
        Assert.Equal(-32602, unknown.ErrorCode);

        var completion = await wire.RequestAsync("completion/complete", new JsonObject
        {
            ["ref"] = new JsonObject { ["type"] = "ref/prompt", ["name"] = "local_completable-prompt" },
            ["argument"] = new JsonObject { ["name"] = "department", ["value"] = "Eng" },
        });
        Assert.Contains("Engineering", completion.Result!.ToJsonString());

        var level = await wire.RequestAsync("logging/setLevel", new JsonObject { ["level"] = "debug" });
        Assert.Equal(HttpStatusCode.OK, level.Status);
        Assert.Equal("{}", level.Result!.ToJsonString());
    }

    [Fact]
    public async Task Progress_of_a_call_streams_back_to_the_caller_with_its_own_token()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(TwoServers(remote)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        foreach (var tool in new[] { "local_trigger-long-running-operation", "remote_trigger-long-running-operation" })
        {
            var call = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = "call-1",
                ["method"] = "tools/call",
                ["params"] = new JsonObject
                {
                    ["name"] = tool,
                    ["arguments"] = new JsonObject { ["duration"] = 1, ["steps"] = 3 },
                    ["_meta"] = new JsonObject { ["progressToken"] = "client-token-7" },
                },
            };
            var reply = await wire.SendAsync(call.ToJsonString());

            Assert.Equal("text/event-stream", reply.ContentType);
            var events = reply.Raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(e => JsonNode.Parse(e.Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..])!.AsObject())
                .ToArray();
            var progress = events.Where(e => e["method"]?.GetValue<string>() == "notifications/progress").ToArray();
            Assert.True(progress.Length >= 2, reply.Raw);
            Assert.All(progress, p => Assert.Equal("client-token-7", p["params"]!["progressToken"]!.GetValue<string>()));
            Assert.Equal("call-1", events[^1]["id"]!.GetValue<string>());
            Assert.NotNull(events[^1]["result"]);
        }

        // A call without a progress token is answered as plain JSON.
        var plain = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "local_echo", ["arguments"] = new JsonObject { ["message"] = "x" } });
        Assert.Equal("application/json", plain.ContentType);
    }
}
