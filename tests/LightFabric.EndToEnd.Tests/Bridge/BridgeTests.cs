using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Testing;
using Xunit.Abstractions;

namespace LightFabric.EndToEnd.Tests.Bridge;

/// <summary>
/// <c>light-gateway bridge</c> as a local MCP client starts it: real gateway processes fronting server-everything,
/// the official TypeScript SDK's stdio client, a gateway restart on the same port, and a stand-in endpoint that
/// records the headers the bridge sends.
/// </summary>
public sealed class BridgeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_typescript_stdio_client_lists_and_calls_tools_of_a_remote_gateway_through_the_bridge()
    {
        var peers = McpPeers.Instance;
        using var dir = new TempDirectory();
        await using var gateway = StartGateway(peers, dir.Path, port: 0);
        var url = await gateway.WaitForReadyAsync();

        var start = new ProcessStartInfo(peers.NodePath)
        {
            WorkingDirectory = peers.PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(peers.PeersDirectory, "bridge-client.mjs"),
                     new JsonArray(new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "over stdio" } }).ToJsonString(),
                     "dotnet", BridgeProcess.GatewayDll, "bridge", "--url", new Uri(url, "/mcp").ToString(),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LIGHT_GATEWAY_TOKEN"] = "not-checked-by-the-quickstart";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"bridge-client.mjs exited with {process.ExitCode}:\n{await stderr}");

        var result = JsonNode.Parse((await stdout).Trim().Split('\n').Last())!.AsObject();
        var tools = result["tools"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        Assert.Contains("echo", tools);
        Assert.Contains("gateway_health", tools);
        Assert.Equal("light-gateway-mcp", result["server"]!["name"]!.GetValue<string>());
        Assert.Equal("Echo: over stdio", result["results"]!["echo"]!["content"]![0]!["text"]!.GetValue<string>());
        // The bridge's logs went to stderr (inherited by the client script), never into the MCP stream.
        Assert.Contains("bridge: connected to", await stderr);
    }

    [Fact]
    public async Task A_restarted_gateway_gets_a_new_session_transparently_and_outage_requests_get_an_error()
    {
        var peers = McpPeers.Instance;
        using var dir = new TempDirectory();
        GatewayProcess? gateway = null;
        try
        {
            gateway = StartGateway(peers, dir.Path, port: 0);
            var url = await gateway.WaitForReadyAsync();

            // Everything the bridge and the SDK can log, to prove none of it reaches stdout.
            await using var bridge = BridgeProcess.Start(
                ["--url", new Uri(url, "/mcp").ToString(), "--reconnect-wait", "1"],
                new Dictionary<string, string> { ["LIGHT_LOG"] = "trace,ModelContextProtocol=trace" });
            var init = await bridge.InitializeAsync();
            Assert.Equal("light-gateway-mcp", init["result"]!["serverInfo"]!["name"]!.GetValue<string>());
            Assert.Equal("Echo: before", EchoText(await bridge.CallToolAsync("echo", new JsonObject { ["message"] = "before" })));

            // The gateway stops: a call now is answered with an error instead of hanging.
            await StopAsync(gateway);
            gateway = null;
            var during = await bridge.CallToolAsync("echo", new JsonObject { ["message"] = "during" }, TimeSpan.FromSeconds(20));
            Assert.Equal(-32000, during["error"]!["code"]!.GetValue<int>());
            Assert.StartsWith("light-gateway unreachable: ", during["error"]!["message"]!.GetValue<string>());

            // A new gateway on the same port: the bridge replays initialize and the client's next call succeeds.
            gateway = StartGateway(peers, dir.Path, url.Port);
            await gateway.WaitForReadyAsync();
            JsonObject after;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            do
            {
                after = await bridge.CallToolAsync("echo", new JsonObject { ["message"] = "after" }, TimeSpan.FromSeconds(20));
            }
            while (after["error"] is not null && DateTime.UtcNow < deadline && await Delay());

            Assert.True(after["error"] is null, $"the call after the restart failed: {after}\nbridge stderr:\n{bridge.StdErr}");
            Assert.Equal("Echo: after", EchoText(after));
            // stderr is read asynchronously: the log line may trail the answer on stdout by a moment.
            await bridge.WaitForStdErrAsync("reconnected to", TimeSpan.FromSeconds(5));
            Assert.Contains("reconnected to", bridge.StdErr);

            // A restart the client never saw: its next call reaches the old session (404 unknown session, or the
            // bridge noticed first) and is delivered on a new one without any error.
            await StopAsync(gateway);
            gateway = null;
            gateway = StartGateway(peers, dir.Path, url.Port);
            await gateway.WaitForReadyAsync();
            // Normally the first call already succeeds; on a loaded machine the bridge may still be reconnecting from
            // noticing the stop, and that call gets the outage error, so the client's retry must succeed.
            JsonObject unnoticed;
            deadline = DateTime.UtcNow.AddSeconds(20);
            do
            {
                unnoticed = await bridge.CallToolAsync("echo", new JsonObject { ["message"] = "unnoticed" }, TimeSpan.FromSeconds(20));
            }
            while (unnoticed["error"] is not null && DateTime.UtcNow < deadline && await Delay());

            Assert.True(unnoticed["error"] is null, $"the call after an unnoticed restart failed: {unnoticed}\nbridge stderr:\n{bridge.StdErr}");
            Assert.Equal("Echo: unnoticed", EchoText(unnoticed));

            // The replayed initializes were answered inside the bridge: the client saw exactly one initialize result.
            Assert.Single(bridge.StdOutLines, l => l.Contains("\"serverInfo\"", StringComparison.Ordinal));
            bridge.AssertStdoutIsOnlyJsonRpc();

            bridge.CloseStdin();
            Assert.Equal(0, await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            output.WriteLine(string.Join("\n", bridge.StdErr.Split('\n').Where(l => l.Contains("LightFabric.Gateway.Bridge", StringComparison.Ordinal))));
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
        }

        static async Task StopAsync(GatewayProcess gateway)
        {
            await using (gateway)
            {
                gateway.Signal(PosixSignalNumber.SIGTERM);
                Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            }
        }

        static async Task<bool> Delay()
        {
            await Task.Delay(500);
            return true;
        }
    }

    [Fact]
    public async Task The_token_comes_from_LIGHT_GATEWAY_TOKEN_and_SIGTERM_closes_the_session()
    {
        await using var standIn = await StandInGateway.StartAsync();
        await using var bridge = BridgeProcess.Start(
            ["--url", standIn.McpUrl.ToString(), "--header", "X-Tenant: blue"],
            new Dictionary<string, string> { ["LIGHT_GATEWAY_TOKEN"] = "secret-token", ["LIGHT_LOG"] = "trace,ModelContextProtocol=trace" });
        var init = await bridge.InitializeAsync();
        Assert.Equal("stand-in", init["result"]!["serverInfo"]!["name"]!.GetValue<string>());
        var list = await bridge.RequestAsync("tools/list");
        Assert.NotNull(list["result"]!["tools"]);

        bridge.Signal(PosixSignalNumber.SIGTERM);
        Assert.Equal(0, await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15)));

        var seen = standIn.Requests.ToArray();
        var posts = seen.Where(r => r.HttpMethod == "POST").ToArray();
        Assert.Equal(new[] { "initialize", "notifications/initialized", "tools/list" }, posts.Select(r => r.JsonRpcMethod ?? "").ToArray());
        Assert.All(seen, r => Assert.Equal("Bearer secret-token", r.Authorization));
        Assert.All(seen, r => Assert.Equal("blue", r.Tenant));
        Assert.All(posts.Skip(1), r => Assert.Equal(StandInGateway.SessionId, r.Session));
        // SIGTERM ended the session on the gateway.
        Assert.Contains(seen, r => r.HttpMethod == "DELETE" && r.Session == StandInGateway.SessionId);
        Assert.DoesNotContain("secret-token", bridge.StdErr);
        bridge.AssertStdoutIsOnlyJsonRpc();
    }

    [Fact]
    public async Task A_token_that_already_starts_with_Bearer_is_sent_as_is_and_stdin_closing_exits_0()
    {
        await using var standIn = await StandInGateway.StartAsync();
        await using var bridge = BridgeProcess.Start(
            ["--url", standIn.McpUrl.ToString()],
            new Dictionary<string, string> { ["LIGHT_GATEWAY_TOKEN"] = "Bearer eyJ.already.prefixed" });
        await bridge.InitializeAsync();
        bridge.CloseStdin();
        Assert.Equal(0, await bridge.WaitForExitAsync(TimeSpan.FromSeconds(15)));

        Assert.All(standIn.Requests, r => Assert.Equal("Bearer eyJ.already.prefixed", r.Authorization));
        Assert.Contains(standIn.Requests, r => r.HttpMethod == "DELETE");
        bridge.AssertStdoutIsOnlyJsonRpc();
    }

    [Theory]
    [InlineData("--token", "x")]
    [InlineData("--token=x")]
    [InlineData("--url", "http://127.0.0.1:1/mcp", "--token", "x")]
    [InlineData("--url", "http://127.0.0.1:1/mcp", "--header", "Authorization: Bearer x")]
    public async Task A_token_on_the_command_line_is_refused_with_exit_code_2(params string[] args)
    {
        var (code, stdout, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["bridge", .. args]);
        Assert.Equal(2, code);
        Assert.Contains("LIGHT_GATEWAY_TOKEN", stderr);
        Assert.Equal("", stdout.Trim());
    }

    [Theory]
    [InlineData("--url is required")]
    [InlineData("must be an absolute http or https URL", "--url", "ftp://gw.example.com/mcp")]
    [InlineData("must be an absolute http or https URL", "--url", "/mcp")]
    [InlineData("unknown option '--bogus'", "--url", "http://127.0.0.1:1/mcp", "--bogus")]
    [InlineData("--header needs \"Name: value\"", "--url", "http://127.0.0.1:1/mcp", "--header", "no colon")]
    public async Task Bad_bridge_arguments_exit_2_with_a_clear_message(string expected, params string[] args)
    {
        var (code, _, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["bridge", .. args]);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    private static GatewayProcess StartGateway(McpPeers peers, string directory, int port)
    {
        if (!File.Exists(Path.Combine(directory, "config", "values.yml")))
        {
            RepoPaths.CopyDirectory(RepoPaths.Quickstart, directory);
        }

        var servers = new JsonArray(new JsonObject
        {
            ["name"] = "everything",
            ["transport"] = "stdio",
            ["command"] = new JsonArray(peers.NodePath, peers.EverythingServerScript, "stdio"),
        });
        var environment = new Dictionary<string, string>
        {
            ["SERVER_HTTPPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCP_ROUTER_SERVERS"] = servers.ToJsonString(),
        };
        return GatewayProcess.Start(RepoPaths.Root, ["--dir", directory], environment);
    }

    private static string EchoText(JsonObject answer) =>
        answer["result"]?["content"]?[0]?["text"]?.GetValue<string>() ?? throw new InvalidOperationException($"not a tool result: {answer}");
}
