using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>What an operator reads about upstream calls: the per-call line and the quiet parts of an upstream's start.</summary>
public sealed class UpstreamCallLoggingTests
{
    private static string ScriptedServer => Path.Combine(McpPeers.Instance.RepoRoot, "tests", "LightFabric.Mcp.Tests", "Peers", "scripted-server.mjs");

    [Fact]
    public async Task The_per_call_line_says_tool_error_for_an_isError_result_and_logs_an_unknown_tool()
    {
        var logs = new LogCapture();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.upstreamStartupWaitMs: 60000
            mcp-router.servers:
              - name: scripted
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{ScriptedServer}", "--tool=soft-fail", "--tool=sleep"]
            """), logs);
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var soft = await wire.CallToolAsync("soft-fail", new JsonObject { ["why"] = "disk full" });
        Assert.True(soft["isError"]?.GetValue<bool>(), soft.ToJsonString());
        var unknown = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "no-such-tool", ["arguments"] = new JsonObject() });
        Assert.Equal(-32602, unknown.ErrorCode);
        Assert.Equal("slept 1", McpWire.FirstText(await wire.CallToolAsync("sleep", new JsonObject { ["ms"] = 1 })));

        var lines = logs.Records.Where(r => r.Level == LogLevel.Information && r.Message.StartsWith("tools/call ", StringComparison.Ordinal))
            .Select(r => r.Message).ToList();
        Assert.Single(lines, l => l.StartsWith("tools/call soft-fail → scripted/soft-fail tool-error in ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("tools/call no-such-tool → (no such tool) unknown-tool in ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("tools/call sleep → scripted/sleep ok in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upstreams_roots_request_at_start_is_answered_with_no_roots_and_nothing_is_logged_as_a_failure()
    {
        var logs = new LogCapture();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            logging.filter: debug
            mcp-router.upstreamStartupWaitMs: 60000
            mcp-router.servers:
              - name: everything
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio]
            """), logs);
        await using var _ = runtime;
        using var __ = client;

        // server-everything asks for roots right after initialize, outside any call, and reports a failure on stderr.
        const string answered = "'everything' asked for roots/list outside a call of one client; answered with no roots";
        const string failed = "Failed to request roots";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.AllText.Contains(answered, StringComparison.Ordinal) && !logs.AllText.Contains(failed, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "server-everything never asked for roots:\n" + logs.AllText);
            await Task.Delay(25);
        }

        var wire = new McpWire(client);
        await wire.InitializeAsync();
        Assert.Equal("Echo: hi", McpWire.FirstText(await wire.CallToolAsync("echo", new JsonObject { ["message"] = "hi" })));

        Assert.DoesNotContain(failed, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Warning && r.Category.StartsWith("LightFabric.Mcp", StringComparison.Ordinal));
    }
}
