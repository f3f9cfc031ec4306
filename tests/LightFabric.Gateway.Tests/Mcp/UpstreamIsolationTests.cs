using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>Through /mcp: one client's bad or over-size call fails alone; the shared stdio upstream keeps serving the others.</summary>
public sealed class UpstreamIsolationTests
{
    private static string ScriptedServer => Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Mcp.Tests", "Peers", "scripted-server.mjs");

    private static string Config => McpGatewayConfig.With($"""
        mcp-router.upstreamStartupWaitMs: 60000
        mcp-router.servers:
          - name: shared
            transport: stdio
            command: ["{McpPeers.Instance.NodePath}", "{ScriptedServer}", "--tool=sleep", "--tool=huge"]
            maxMessageBytes: 1048576
        """);

    [Fact]
    public async Task A_lone_surrogate_or_an_oversize_answer_fails_that_call_only()
    {
        var logs = new LogCapture();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, Config, logs);
        await using var _ = runtime;
        using var __ = client;
        var other = new McpWire(client);
        await other.InitializeAsync();
        var caller = new McpWire(client);
        await caller.InitializeAsync();

        // Another client's call is in flight on the same upstream process throughout.
        var concurrent = other.CallToolAsync("sleep", new JsonObject { ["ms"] = 1500 });

        var surrogate = await caller.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":"\ud800"}}}""");
        Assert.True(surrogate.ErrorCode is -32602 or -32700, surrogate.Raw);
        Assert.DoesNotContain("is unavailable", surrogate.Raw, StringComparison.Ordinal);

        var huge = await caller.RequestAsync("tools/call", new JsonObject { ["name"] = "huge", ["arguments"] = new JsonObject { ["bytes"] = 5_000_000 } });
        Assert.Equal(-32000, huge.ErrorCode);
        Assert.Equal("upstream MCP server 'shared' answered tools/call with more than 1048576 bytes " +
            "(maxMessageBytes, the gateway's limit for one upstream MCP message); the answer was dropped", huge.ErrorMessage);

        Assert.Equal("slept 1500", McpWire.FirstText(await concurrent));
        Assert.Equal("slept 1", McpWire.FirstText(await caller.CallToolAsync("sleep", new JsonObject { ["ms"] = 1 })));
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("'shared' is down", StringComparison.Ordinal));
        Assert.Single(logs.Records, r => r.Level == LogLevel.Information && r.Message.Contains("'shared' is up", StringComparison.Ordinal));
    }
}
