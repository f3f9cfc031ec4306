using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests;

/// <summary>The MCP Inspector's command-line mode, over Streamable HTTP and legacy SSE, against the quick-start gateway.</summary>
public sealed class InspectorInteropTests
{
    [Fact]
    public async Task The_inspector_cli_lists_and_calls_over_streamable_http_and_legacy_sse()
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
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path],
            new Dictionary<string, string> { ["SERVER_HTTPPORT"] = "0", ["MCP_ROUTER_SERVERS"] = servers.ToJsonString() });
        var url = await gateway.WaitForReadyAsync();
        var mcp = new Uri(url, "/mcp").ToString();
        var sse = new Uri(url, "/mcp/sse").ToString();

        var tools = await InspectAsync(peers, mcp, "http", "--method", "tools/list");
        Assert.Contains(tools["tools"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "echo");

        var http = await InspectAsync(peers, mcp, "http", "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "message=over http");
        Assert.Equal("Echo: over http", http["content"]![0]!["text"]!.GetValue<string>());

        var legacy = await InspectAsync(peers, sse, "sse", "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "message=over sse");
        Assert.Equal("Echo: over sse", legacy["content"]![0]!["text"]!.GetValue<string>());

        var prompts = await InspectAsync(peers, mcp, "http", "--method", "prompts/list");
        Assert.Contains(prompts["prompts"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "simple-prompt");

        var resources = await InspectAsync(peers, mcp, "http", "--method", "resources/list");
        Assert.NotEmpty(resources["resources"]!.AsArray());
    }

    private static async Task<JsonObject> InspectAsync(McpPeers peers, string url, string transport, params string[] arguments)
    {
        var start = new ProcessStartInfo(peers.NodePath)
        {
            WorkingDirectory = peers.PeersDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { peers.InspectorCli, "--cli", url, "--transport", transport }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"inspector {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}\n{await stderr}");
        return JsonNode.Parse(output[output.IndexOf('{')..])!.AsObject();
    }
}
