using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;
using LightFabric.Testing;
using static LightFabric.Mcp.Tests.Peers;

namespace LightFabric.Mcp.Tests;

/// <summary>One bad message fails its own call; only a real transport failure restarts an upstream.</summary>
public sealed class UpstreamMessageIsolationTests
{
    private static readonly TimeSpan FirstTools = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("stdio")]
    [InlineData("streamableHttp")]
    [InlineData("sse")]
    public async Task Arguments_that_cannot_be_serialized_fail_only_their_own_call(string mode)
    {
        using var logging = Logging(out var log);
        var http = mode == "stdio" ? null : await Npm.StartEverythingHttpAsync(mode);
        try
        {
            var name = "isolated-" + mode;
            var settings = http is null
                ? EverythingStdioSettings(name)
                : new UpstreamServerSettings
                {
                    Name = name,
                    Transport = mode == "sse" ? UpstreamTransportKind.Sse : UpstreamTransportKind.Http,
                    Url = http.McpUrl,
                    RestartDelay = TimeSpan.FromMilliseconds(200),
                    MaxRestartDelay = TimeSpan.FromSeconds(1),
                };
            await using var server = new UpstreamServer(settings, logging);
            server.Start();
            Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));
            var pid = server.ProcessId;

            // Another client's call is in flight on the same upstream connection.
            var concurrent = server.CallToolAsync("trigger-long-running-operation", new JsonObject { ["duration"] = 1, ["steps"] = 2 }, null, default);

            // What a JSON parser makes of {"message":"\ud800"}: a value whose string cannot be written back as JSON.
            var arguments = JsonNode.Parse("""{"message":"\ud800"}""");
            var error = await Assert.ThrowsAsync<McpException>(() => server.CallToolAsync("echo", arguments, null, default));
            Assert.Equal(McpErrorCodes.InvalidParams, error.Code);
            Assert.StartsWith($"tools/call: params.arguments.message cannot be sent to upstream MCP server '{name}': ", error.Message);

            Assert.Equal("Long running operation completed. Duration: 1 seconds, Steps: 2.", Text(await concurrent));
            Assert.Equal("Echo: still up", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "still up" }, null, default)));
            Assert.Equal(UpstreamStatus.Up, server.State.Status);
            Assert.Equal(0, server.State.Restarts);
            Assert.Equal(pid, server.ProcessId);
            Assert.DoesNotContain(log.Records, r => r.Message.Contains($"'{name}' is down", StringComparison.Ordinal));
        }
        finally
        {
            if (http is not null)
            {
                await http.DisposeAsync();
            }
        }
    }

    [Fact]
    public void The_unwritable_part_is_named_by_its_path()
    {
        var node = JsonNode.Parse("""{"name":"t","arguments":{"ok":[1,"fine"],"list":["a",{"deep":"\udc00x"}]}}""");
        Assert.Equal("params.arguments.list[1].deep", OutgoingMessages.FindUnwritable(node, "params"));
        Assert.Null(OutgoingMessages.FindUnwritable(JsonNode.Parse("""{"a":"\ud83d\ude00"}"""), "params"));
    }
}
