using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LightFabric.Config;
using LightFabric.Testing;
using ModelContextProtocol.Client;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>
/// Real upstream MCP servers (@modelcontextprotocol/server-everything over stdio and Streamable HTTP) and a real
/// HTTP API, aggregated behind one /mcp and called by real clients.
/// </summary>
public sealed class UpstreamAggregationTests
{
    private static string Servers(EverythingHttpServer remote, string marker, string extra = "") => $"""
        mcp-router.upstreamStartupWaitMs: 60000
        mcp-router.servers:
          - name: local
            transport: stdio
            command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio, "{marker}"]
            timeoutMs: 20000
          - name: remote
            transport: http
            url: "{remote.McpUrl}"
            timeoutMs: 20000
        {extra}
        """;

    [Fact]
    public async Task Stdio_http_sse_and_api_upstreams_behind_one_endpoint_with_colliding_names_prefixed()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        await using var legacy = await McpPeers.Instance.StartEverythingHttpAsync("sse");
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, marker, $"""
              - {"{"}name: legacy, transport: sse, url: "{legacy.McpUrl}"{"}"}
            mcp-router.tools:
              - {"{"}name: weather, targetHost: "{api.BaseUrl}", path: /weather, method: GET{"}"}
            """)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var names = await wire.ListToolNamesAsync();

        // Both servers publish the same names, so conditional mode prefixes every one of them.
        Assert.Contains("local_echo", names);
        Assert.Contains("remote_echo", names);
        Assert.Contains("weather", names);
        Assert.DoesNotContain("echo", names);
        Assert.Equal(names.Count, names.Distinct().Count());

        Assert.Equal("Echo: from stdio", McpWire.FirstText(await wire.CallToolAsync("local_echo", new JsonObject { ["message"] = "from stdio" })));
        Assert.Equal("Echo: from http", McpWire.FirstText(await wire.CallToolAsync("remote_echo", new JsonObject { ["message"] = "from http" })));
        Assert.Equal("Echo: from sse", McpWire.FirstText(await wire.CallToolAsync("legacy_echo", new JsonObject { ["message"] = "from sse" })));
        var sum = await wire.CallToolAsync("remote_get-sum", new JsonObject { ["a"] = 2, ["b"] = 40 });
        Assert.Contains("42", McpWire.FirstText(sum));
        Assert.Equal("Paris", (await wire.CallToolAsync("weather", new JsonObject { ["city"] = "Paris" }))["structuredContent"]!["city"]!.GetValue<string>());

        // An upstream's own error is an execution error for that call only.
        var bad = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "local_get-sum", ["arguments"] = new JsonObject { ["a"] = "not a number" } });
        Assert.True(bad.ErrorCode == -32000 || bad.Result?["isError"]?.GetValue<bool>() == true, bad.Raw);
    }

    [Fact]
    public async Task Concurrent_calls_from_many_sessions_never_cross()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, "m-" + Guid.NewGuid().ToString("N"))));
        await using var _ = runtime;
        using var __ = client;

        var sessions = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var wire = new McpWire(client);
            await wire.InitializeAsync(clientName: "client-" + i);
            return wire;
        }));

        var calls = sessions.SelectMany((wire, s) => Enumerable.Range(0, 25).Select(async c =>
        {
            var tool = (s + c) % 2 == 0 ? "local_echo" : "remote_echo";
            var message = $"s{s}-c{c}";
            var result = await wire.CallToolAsync(tool, new JsonObject { ["message"] = message });
            Assert.Equal("Echo: " + message, McpWire.FirstText(result));
        }));
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task A_cancelled_call_gets_no_response_and_the_session_carries_on()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, "m-" + Guid.NewGuid().ToString("N"))));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var started = DateTime.UtcNow;
        var longCall = wire.SendAsync("""
            {"jsonrpc":"2.0","id":"long-1","method":"tools/call","params":{"name":"remote_trigger-long-running-operation","arguments":{"duration":15,"steps":5}}}
            """);
        await Task.Delay(1000);
        Assert.False(longCall.IsCompleted);
        var cancel = await wire.NotifyAsync("notifications/cancelled", new JsonObject { ["requestId"] = "long-1", ["reason"] = "user gave up" });
        Assert.Equal(HttpStatusCode.Accepted, cancel.Status);

        var reply = await longCall;
        Assert.Equal(HttpStatusCode.Accepted, reply.Status);
        Assert.Null(reply.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal("Echo: next", McpWire.FirstText(await wire.CallToolAsync("remote_echo", new JsonObject { ["message"] = "next" })));
    }

    [Fact]
    public async Task A_failed_upstream_fails_only_its_own_tools_and_comes_back()
    {
        var port = McpPeers.FreePort();
        var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp", port);
        using var dir = new TempDirectory();
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, marker)));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();
        Assert.Equal("Echo: up", McpWire.FirstText(await wire.CallToolAsync("remote_echo", new JsonObject { ["message"] = "up" })));

        // The HTTP upstream goes away.
        await remote.DisposeAsync();
        var down = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "remote_echo", ["arguments"] = new JsonObject { ["message"] = "x" } });
        Assert.Equal(HttpStatusCode.OK, down.Status);
        Assert.Equal(-32000, down.ErrorCode);
        Assert.Contains("remote", down.ErrorMessage);
        Assert.Equal("Echo: still here", McpWire.FirstText(await wire.CallToolAsync("local_echo", new JsonObject { ["message"] = "still here" })));
        Assert.Contains("remote_echo", await wire.ListToolNamesAsync());

        // The stdio child is killed: the gateway restarts it.
        KillByMarker(marker);
        var localDown = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "local_echo", ["arguments"] = new JsonObject { ["message"] = "x" } });
        Assert.True(localDown.ErrorCode == -32000 || localDown.Result is not null, localDown.Raw);

        // Both come back by themselves.
        await using var restarted = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp", port);
        await EventuallyAsync(async () => McpWire.FirstText(await wire.CallToolAsync("remote_echo", new JsonObject { ["message"] = "back" })) == "Echo: back");
        await EventuallyAsync(async () => McpWire.FirstText(await wire.CallToolAsync("local_echo", new JsonObject { ["message"] = "back" })) == "Echo: back");
    }

    [Fact]
    public async Task A_reload_keeps_unchanged_upstream_processes_and_stops_removed_ones()
    {
        using var dir = new TempDirectory();
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var stdio = $"""
            mcp-router.servers:
              - name: local
                transport: stdio
                command: ["{McpPeers.Instance.NodePath}", "{McpPeers.Instance.EverythingServerScript}", stdio, "{marker}"]
            """;
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(stdio));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();
        var before = ProcessesWith(marker).ToArray();
        Assert.NotEmpty(before);

        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With(stdio + "\nmcp-router.toolsPageSize: 7"));
        Assert.True((await runtime.ReloadAsync()).Applied);
        Assert.Equal(before, ProcessesWith(marker).ToArray());
        Assert.Equal("Echo: same", McpWire.FirstText(await wire.CallToolAsync("echo", new JsonObject { ["message"] = "same" })));

        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With("mcp-router.servers: []"));
        Assert.True((await runtime.ReloadAsync()).Applied);
        await EventuallyAsync(() => Task.FromResult(!ProcessesWith(marker).Any()));
        var gone = await wire.RequestAsync("tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "x" } });
        Assert.Equal(-32602, gone.ErrorCode);
    }

    [Fact]
    public async Task Prefix_mode_never_with_a_collision_is_a_startup_error_naming_both_servers()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var marker = "marker-" + Guid.NewGuid().ToString("N");

        var error = await Assert.ThrowsAsync<ConfigException>(() =>
            GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, marker, "mcp-router.prefixMode: never"))));

        var text = string.Join("\n", error.Problems.Select(p => p.ToString()));
        Assert.Contains("'local'", text);
        Assert.Contains("'remote'", text);
        Assert.Contains("mcp-router.yml", text);

        // Nothing is left running after the failed start.
        await EventuallyAsync(() => Task.FromResult(!ProcessesWith(marker).Any()));
    }

    [Fact]
    public async Task Include_exclude_filters_and_always_prefixing()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.prefixMode: always
            mcp-router.servers:
              - name: remote
                transport: http
                url: "{remote.McpUrl}"
                prefix: web
                tools: {"{"}include: ["get-*", echo], exclude: ["get-env"]{"}"}
            """));
        await using var _ = runtime;
        using var __ = client;
        var wire = new McpWire(client);
        await wire.InitializeAsync();

        var names = await wire.ListToolNamesAsync();

        Assert.Contains("web_echo", names);
        Assert.Contains("web_get-sum", names);
        Assert.DoesNotContain("web_get-env", names);
        Assert.All(names, n => Assert.StartsWith("web_", n));
        Assert.Equal("Echo: hi", McpWire.FirstText(await wire.CallToolAsync("web_echo", new JsonObject { ["message"] = "hi" })));
    }

    [Fact]
    public async Task Mcp_backend_tools_get_their_own_backend_session_per_gateway_session()
    {
        await using var backend = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        using var dir = new TempDirectory();
        var baseUrl = backend.McpUrl.GetLeftPart(UriPartial.Authority);
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($"""
            mcp-router.tools:
              - {"{"}name: backend_echo, apiType: mcp, targetHost: "{baseUrl}", path: /mcp, endpointName: echo,
                 inputSchema: {"{"}type: object, properties: {"{"}message: {"{"}type: string{"}"} {"}"} {"}"} {"}"}
            """));
        await using var _ = runtime;
        using var __ = client;
        var first = new McpWire(client);
        await first.InitializeAsync(clientName: "one");
        var second = new McpWire(client);
        await second.InitializeAsync(clientName: "two");

        Assert.Equal("Echo: one", McpWire.FirstText(await first.CallToolAsync("backend_echo", new JsonObject { ["message"] = "one" })));
        Assert.Equal("Echo: two", McpWire.FirstText(await second.CallToolAsync("backend_echo", new JsonObject { ["message"] = "two" })));
        Assert.Equal("Echo: again", McpWire.FirstText(await first.CallToolAsync("backend_echo", new JsonObject { ["message"] = "again" })));
        Assert.Equal(HttpStatusCode.OK, (await first.SendAsync("", method: "DELETE")).Status);
        Assert.Equal("Echo: after", McpWire.FirstText(await second.CallToolAsync("backend_echo", new JsonObject { ["message"] = "after" })));
    }

    [Fact]
    public async Task The_official_csharp_sdk_client_sees_and_calls_every_upstream()
    {
        await using var remote = await McpPeers.Instance.StartEverythingHttpAsync("streamableHttp");
        await using var api = await TestApi.StartAsync();
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Servers(remote, "m-" + Guid.NewGuid().ToString("N"), $"""
            mcp-router.toolsPageSize: 5
            mcp-router.tools:
              - {"{"}name: weather, targetHost: "{api.BaseUrl}", path: /weather, method: GET{"}"}
            """)));
        await using var _ = runtime;
        using var __ = client;

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(client.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        await using var mcp = await McpClient.CreateAsync(transport);

        var tools = await mcp.ListToolsAsync();
        var names = tools.Select(t => t.Name).ToArray();
        Assert.Contains("local_echo", names);
        Assert.Contains("remote_echo", names);
        Assert.Contains("weather", names);

        var local = await mcp.CallToolAsync("local_echo", new Dictionary<string, object?> { ["message"] = "sdk" });
        Assert.Contains("Echo: sdk", local.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Single().Text);
        var weather = await mcp.CallToolAsync("weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        Assert.Equal("Oslo", weather.StructuredContent!.Value.GetProperty("city").GetString());
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                last = ex;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("condition not met within 45 s", last);
    }

    private static IEnumerable<int> ProcessesWith(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(marker, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }

    private static void KillByMarker(string marker)
    {
        var pids = ProcessesWith(marker).ToArray();
        Assert.NotEmpty(pids);
        foreach (var pid in pids)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }
    }
}
