using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using static LightFabric.Mcp.Tests.Peers;

namespace LightFabric.Mcp.Tests;

public sealed class UpstreamConnectionTests(EverythingHttpFixture http) : IClassFixture<EverythingHttpFixture>
{
    private Task<UpstreamConnection> ConnectEverything(string transport, CancellationToken ct = default) => UpstreamConnection.ConnectAsync(
        transport switch
        {
            "stdio" => EverythingStdio(),
            "streamableHttp" => Http(http.StreamableHttp.McpUrl, HttpTransportMode.StreamableHttp),
            "sse" => Http(http.Sse.McpUrl, HttpTransportMode.Sse),
            _ => throw new ArgumentOutOfRangeException(nameof(transport)),
        },
        "everything-" + transport, McpProtocolVersions.Latest, NullLogger.Instance, ct);

    private static Task<UpstreamConnection> ConnectScripted(
        Func<string, JsonNode?, CancellationToken, Task<JsonNode?>>? handler = null, params string[] arguments) =>
        UpstreamConnection.ConnectAsync(ScriptedStdio(arguments), "scripted", McpProtocolVersions.Latest,
            new JsonObject { ["roots"] = new JsonObject() }, handler, NullLogger.Instance, CancellationToken.None);

    [Theory]
    [InlineData("stdio")]
    [InlineData("streamableHttp")]
    [InlineData("sse")]
    public async Task Initializes_lists_tools_and_calls_echo(string transport)
    {
        await using var connection = await ConnectEverything(transport);

        Assert.Equal("mcp-servers/everything", connection.InitializeResult["serverInfo"]?["name"]?.GetValue<string>());
        Assert.True(McpProtocolVersions.IsSupported(connection.NegotiatedProtocolVersion), connection.NegotiatedProtocolVersion);
        if (transport == "streamableHttp")
        {
            Assert.False(string.IsNullOrEmpty(connection.SessionId));
        }

        var tools = (await connection.RequestAsync(McpMethods.ToolsList, null, default))?["tools"]?.AsArray();
        Assert.NotNull(tools);
        Assert.Contains(tools, t => t?["name"]?.GetValue<string>() == "echo");
        Assert.Contains(tools, t => t?["name"]?.GetValue<string>() == "get-sum");

        var echoed = await connection.RequestAsync(McpMethods.ToolsCall, Call("echo", new JsonObject { ["message"] = "hello upstream" }), default);
        Assert.Equal("Echo: hello upstream", Text(echoed));
        Assert.Null(connection.CloseReason);
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("streamableHttp")]
    [InlineData("sse")]
    public async Task Two_hundred_concurrent_calls_each_get_their_own_answer(string transport)
    {
        await using var connection = await ConnectEverything(transport);

        var calls = Enumerable.Range(0, 200).Select(i => Task.Run(() => connection.RequestAsync(McpMethods.ToolsCall,
            Call("get-sum", new JsonObject { ["a"] = i, ["b"] = 1000 }), default)));
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"The sum of {i} and 1000 is {i + 1000}.", Text(results[i]));
        }
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("streamableHttp")]
    public async Task A_json_rpc_error_from_upstream_is_an_UpstreamErrorException(string transport)
    {
        await using var connection = await ConnectEverything(transport);

        var error = await Assert.ThrowsAsync<UpstreamErrorException>(() => connection.RequestAsync("no/such-method", null, default));

        Assert.Equal(McpErrorCodes.MethodNotFound, error.Code);
        Assert.Equal("everything-" + transport, error.ServerName);
        Assert.Equal("Method not found", error.Message);

        // The connection is still usable after an error.
        Assert.Equal("Echo: after", Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("echo", new JsonObject { ["message"] = "after" }), default)));
    }

    [Fact]
    public async Task Error_data_is_passed_through()
    {
        await using var connection = await ConnectScripted();

        var error = await Assert.ThrowsAsync<UpstreamErrorException>(() => connection.RequestAsync(McpMethods.ToolsCall, Call("no-such-tool"), default));

        Assert.Equal(McpErrorCodes.InvalidParams, error.Code);
        Assert.Equal("unknown tool no-such-tool", error.Message);
        Assert.Equal("no-such-tool", error.Data?["tool"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("streamableHttp")]
    [InlineData("sse")]
    public async Task Cancelling_a_long_call_returns_promptly_and_the_connection_keeps_working(string transport)
    {
        await using var connection = await ConnectEverything(transport);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.RequestAsync(McpMethods.ToolsCall,
            Call("trigger-long-running-operation", new JsonObject { ["duration"] = 30, ["steps"] = 30 }), cts.Token));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the cancelled call waited for the upstream operation");
        Assert.Equal("Echo: still here", Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("echo", new JsonObject { ["message"] = "still here" }), default)));
    }

    [Fact]
    public async Task Cancelling_sends_notifications_cancelled_with_the_upstream_request_id()
    {
        await using var connection = await ConnectScripted();
        using var cts = new CancellationTokenSource();

        var sleeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.NotificationReceived += (method, _) =>
        {
            if (method == "notifications/message")
            {
                sleeping.TrySetResult();
            }
        };
        var call = connection.RequestAsync(McpMethods.ToolsCall, Call("sleep", new JsonObject { ["ms"] = 30_000, ["announce"] = true }), cts.Token);
        await sleeping.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // initialize is id 1, the sleep call id 2; the scripted server records every cancelled id it receives.
        var recorded = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("cancelled-ids"), default)))!.AsArray();
        Assert.Equal([2L], recorded.Select(n => n!.GetValue<long>()));
    }

    [Fact]
    public async Task Sends_client_info_and_capabilities_in_initialize()
    {
        await using var connection = await ConnectScripted();

        var sent = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("initialize-params"), default)))!;
        Assert.Equal("light-gateway", sent["clientInfo"]?["name"]?.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(sent["clientInfo"]?["version"]?.GetValue<string>()));
        Assert.Equal(McpProtocolVersions.Latest, sent["protocolVersion"]?.GetValue<string>());
        Assert.NotNull(sent["capabilities"]?["roots"]);
    }

    [Fact]
    public async Task Server_requests_reach_the_handler_and_its_answer_goes_back()
    {
        var seen = new List<string>();
        await using var connection = await ConnectScripted((method, @params, _) =>
        {
            lock (seen)
            {
                seen.Add(method);
            }

            return method switch
            {
                "roots/list" => Task.FromResult<JsonNode?>(new JsonObject { ["roots"] = new JsonArray(new JsonObject { ["uri"] = "file:///work" }) }),
                _ => throw new UpstreamErrorException("scripted", -32602, $"cannot do {method}", new JsonObject { ["why"] = "test" }),
            };
        });

        var roots = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall,
            Call("ask-client", new JsonObject { ["method"] = "roots/list" }), default)))!;
        Assert.Equal("file:///work", roots["result"]?["roots"]?[0]?["uri"]?.GetValue<string>());

        var refused = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall,
            Call("ask-client", new JsonObject { ["method"] = "sampling/createMessage" }), default)))!;
        Assert.Equal(-32602, refused["error"]?["code"]?.GetValue<int>());
        Assert.Equal("cannot do sampling/createMessage", refused["error"]?["message"]?.GetValue<string>());
        Assert.Equal("test", refused["error"]?["data"]?["why"]?.GetValue<string>());
        Assert.Equal(["roots/list", "sampling/createMessage"], seen);
    }

    [Fact]
    public async Task Without_a_handler_ping_is_answered_and_other_server_requests_are_method_not_found()
    {
        await using var connection = await ConnectScripted();

        var ping = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("ask-client", new JsonObject { ["method"] = "ping" }), default)))!;
        Assert.Equal("{}", ping["result"]?.ToJsonString());

        var sampling = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall,
            Call("ask-client", new JsonObject { ["method"] = "sampling/createMessage" }), default)))!;
        Assert.Equal(McpErrorCodes.MethodNotFound, sampling["error"]?["code"]?.GetValue<int>());
    }

    [Fact]
    public async Task A_throwing_handler_becomes_an_internal_error_reply()
    {
        await using var connection = await ConnectScripted((_, _, _) => throw new InvalidOperationException("handler broke"));

        var reply = JsonNode.Parse(Text(await connection.RequestAsync(McpMethods.ToolsCall,
            Call("ask-client", new JsonObject { ["method"] = "roots/list" }), default)))!;
        Assert.Equal(McpErrorCodes.InternalError, reply["error"]?["code"]?.GetValue<int>());
        Assert.Equal("handler broke", reply["error"]?["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_lines_unknown_ids_and_throwing_notification_handlers_do_not_end_the_session()
    {
        await using var connection = await ConnectScripted();
        var notifications = new List<string>();
        connection.NotificationReceived += (method, _) => throw new InvalidOperationException("bad handler");
        connection.NotificationReceived += (method, _) =>
        {
            lock (notifications)
            {
                notifications.Add(method);
            }
        };

        Assert.Equal("echo one", Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("garbage-then-echo", new JsonObject { ["message"] = "one" }), default)));
        Assert.Equal("echo two", Text(await connection.RequestAsync(McpMethods.ToolsCall, Call("garbage-then-echo", new JsonObject { ["message"] = "two" }), default)));
        Assert.Null(connection.CloseReason);
    }

    [Fact]
    public async Task Notifications_reach_subscribers()
    {
        await using var connection = await ConnectScripted();
        var notifications = new List<string>();
        connection.NotificationReceived += (method, _) =>
        {
            lock (notifications)
            {
                notifications.Add(method);
            }
        };

        await connection.RequestAsync(McpMethods.ToolsCall, Call("add-tool", new JsonObject { ["name"] = "t6" }), default);
        await Eventually(() =>
        {
            lock (notifications)
            {
                return notifications.Contains(McpMethods.ToolsListChanged);
            }
        }, "tools/list_changed to arrive");
    }

    [Fact]
    public async Task When_the_process_exits_pending_requests_fail_with_the_reason()
    {
        var connection = await ConnectScripted();
        var pending = connection.RequestAsync(McpMethods.ToolsCall, Call("sleep", new JsonObject { ["ms"] = 30_000 }), default);

        var exit = connection.RequestAsync(McpMethods.ToolsCall, Call("exit"), default);

        var error = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => pending);
        await Assert.ThrowsAsync<UpstreamUnavailableException>(() => exit);
        Assert.Contains("upstream MCP server 'scripted' is unavailable", error.Message);
        Assert.Contains("exited with code 3", error.Message);
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("exited with code 3", connection.CloseReason);

        var later = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => connection.RequestAsync(McpMethods.Ping, null, default));
        Assert.Contains("exited with code 3", later.Message);
        await connection.DisposeAsync();
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_fails_pending_requests_and_completes()
    {
        var connection = await ConnectScripted();
        var pending = connection.RequestAsync(McpMethods.ToolsCall, Call("sleep", new JsonObject { ["ms"] = 30_000 }), default);

        await connection.DisposeAsync();

        var error = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => pending);
        Assert.Contains("closed by the gateway", error.Message);
        Assert.True(connection.Completion.IsCompleted);
    }
}
