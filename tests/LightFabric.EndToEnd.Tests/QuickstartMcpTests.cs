using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests;

/// <summary>
/// The quick start as the README runs it, with its upstream started from the locally installed copy of the same
/// npm package (instead of npx), driven by the official TypeScript SDK client.
/// </summary>
public sealed class QuickstartMcpTests
{
    [Fact]
    public async Task The_typescript_sdk_client_lists_and_calls_stdio_and_http_api_tools_through_the_quickstart()
    {
        var peers = McpPeers.Instance;
        using var dir = new TempDirectory();
        RepoPaths.CopyDirectory(RepoPaths.Quickstart, dir.Path);
        var servers = new JsonArray(new JsonObject
        {
            ["name"] = "everything",
            ["transport"] = "stdio",
            ["command"] = new JsonArray(peers.NodePath, peers.EverythingServerScript, "stdio"),
        });
        // A port other than the quick start's 8080: its HTTP API tool must call this gateway's own /ping there.
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["SERVER_HTTPPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCP_ROUTER_SERVERS"] = servers.ToJsonString(),
        };
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], environment);
        var url = await gateway.WaitForReadyAsync();
        Assert.Equal(port, url.Port);

        var calls = new JsonArray(
            new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "through the gateway" } },
            new JsonObject { ["name"] = "get-sum", ["arguments"] = new JsonObject { ["a"] = 20, ["b"] = 22 } },
            new JsonObject { ["name"] = "gateway_health" },
            new JsonObject { ["name"] = "no-such-tool" });
        var output = await RunClientAsync(peers, new Uri(url, "/mcp"), calls);

        var tools = output["tools"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        Assert.Contains("echo", tools);
        Assert.Contains("gateway_health", tools);
        Assert.Equal("light-gateway-mcp", output["server"]!["name"]!.GetValue<string>());
        Assert.Equal("Echo: through the gateway", output["results"]!["echo"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("42", output["results"]!["get-sum"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("ok", output["results"]!["gateway_health"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(-32602, output["results"]!["no-such-tool"]!["error"]!["code"]!.GetValue<int>());

        // SIGTERM stops the upstream child with the gateway: no orphan is left.
        var children = ProcessTable.ChildrenOf(gateway.Pid).ToArray();
        Assert.NotEmpty(children);
        gateway.Signal(PosixSignalNumber.SIGTERM);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (children.Any(ProcessTable.Alive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(children, ProcessTable.Alive);
    }

    [Fact]
    public async Task The_quickstart_http_api_tool_targets_the_port_the_gateway_listens_on()
    {
        var (code, stdout, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["validate-config", "--dir", RepoPaths.Quickstart, "--local-only", "--show"],
            new Dictionary<string, string> { ["SERVER_HTTPPORT"] = "18123" });

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("\"targetHost\": \"http://127.0.0.1:18123\"", stdout);
        Assert.DoesNotContain("127.0.0.1:8080", stdout);
    }

    /// <summary>A port nothing listens on now (the kernel's pick for port 0, released again).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonObject> RunClientAsync(McpPeers peers, Uri endpoint, JsonArray calls)
    {
        var start = new ProcessStartInfo(peers.NodePath)
        {
            WorkingDirectory = peers.PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(peers.PeersDirectory, "gateway-client.mjs"));
        start.ArgumentList.Add(endpoint.ToString());
        start.ArgumentList.Add(calls.ToJsonString());
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"gateway-client.mjs exited with {process.ExitCode}: {await stderr}");
        return JsonNode.Parse((await stdout).Trim().Split('\n').Last())!.AsObject();
    }
}
