using System.Diagnostics;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Upstream;
using LightFabric.Testing;
using Microsoft.Extensions.Logging;
using static LightFabric.Mcp.Tests.Peers;

namespace LightFabric.Mcp.Tests;

public sealed class UpstreamServerTests
{
    private static readonly TimeSpan FirstTools = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stdio_upstream_publishes_tools_and_forwards_calls()
    {
        using var logging = Logging(out var log);
        await using var server = new UpstreamServer(EverythingStdioSettings("everything"), logging);
        Assert.Equal(UpstreamStatus.Starting, server.State.Status);
        server.Start();

        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));
        Assert.Equal(UpstreamStatus.Up, server.State.Status);
        Assert.Contains(server.Tools, t => t["name"]?.GetValue<string>() == "echo");
        Assert.Equal("mcp-servers/everything", server.InitializeResult?["serverInfo"]?["name"]?.GetValue<string>());

        Assert.Equal("Echo: via the server", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "via the server" }, null, default)));
        var progressToken = new JsonObject { ["progressToken"] = "p1" };
        Assert.Equal("The sum of 2 and 3 is 5.", Text(await server.CallToolAsync("get-sum", new JsonObject { ["a"] = 2, ["b"] = 3 }, progressToken, default)));

        // The child's stderr is logged once, with the server name, in the upstream category.
        await Eventually(() => log.Records.Any(r => r.Category == UpstreamServer.LogCategory && r.Level == LogLevel.Information
            && r.Message.Contains("'everything' stderr: Starting default (STDIO) server...")), "the stderr line in the log");
        Assert.Single(log.Records, r => r.Message.Contains("Starting default (STDIO) server..."));
        Assert.Single(log.Records, r => r.Level == LogLevel.Information && r.Message.Contains("'everything' is up"));
    }

    [Fact]
    public async Task A_killed_stdio_child_is_restarted_and_calls_fail_clearly_meanwhile()
    {
        using var logging = Logging(out var log);
        var settings = EverythingStdioSettings("restarting") with { RestartDelay = TimeSpan.FromSeconds(1) };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));
        var toolCount = server.Tools.Count;
        var firstPid = server.ProcessId ?? throw new Xunit.Sdk.XunitException("no process id");

        var pending = server.CallToolAsync("trigger-long-running-operation", new JsonObject { ["duration"] = 30, ["steps"] = 30 }, null, default);
        using (var child = Process.GetProcessById(firstPid))
        {
            child.Kill();
        }

        var pendingError = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => pending);
        Assert.Contains("'restarting' is unavailable", pendingError.Message);

        await Eventually(() => server.State.Status == UpstreamStatus.Down, "state Down");
        var down = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => server.CallToolAsync("echo", new JsonObject { ["message"] = "x" }, null, default));
        Assert.Matches("upstream MCP server 'restarting' is unavailable: .*exited.*; (next attempt in \\d+ s|reconnecting now)", down.Message);
        Assert.Equal(toolCount, server.Tools.Count);
        Assert.NotNull(server.State.Reason);

        await Eventually(() => server.State.Status == UpstreamStatus.Up, "state Up again");
        Assert.True(server.State.Restarts >= 1);
        Assert.NotEqual(firstPid, server.ProcessId);
        Assert.Equal("Echo: back", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "back" }, null, default)));
        Assert.False(ProcessExists(firstPid), $"the killed child {firstPid} is still there");

        Assert.Single(log.Records, r => r.Level == LogLevel.Warning && r.Message.Contains("'restarting' is down"));
        Assert.Equal(2, log.Records.Count(r => r.Level == LogLevel.Information && r.Message.Contains("'restarting' is up")));
    }

    [Fact]
    public async Task A_slow_call_times_out_and_is_cancelled_upstream()
    {
        using var logging = Logging(out _);
        var settings = ScriptedSettings("slow") with { RequestTimeout = TimeSpan.FromMilliseconds(500) };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));

        var error = await Assert.ThrowsAsync<UpstreamTimeoutException>(() => server.CallToolAsync("sleep", new JsonObject { ["ms"] = 20_000 }, null, default));
        Assert.Equal("slow", error.ServerName);
        Assert.Equal(TimeSpan.FromMilliseconds(500), error.Timeout);
        Assert.Contains("'slow'", error.Message);

        var cancelled = JsonNode.Parse(Text(await server.CallToolAsync("cancelled-ids", null, null, default)))!.AsArray();
        Assert.Single(cancelled);
        Assert.Equal(UpstreamStatus.Up, server.State.Status);
    }

    [Fact]
    public async Task Tools_are_read_across_pages_and_reread_on_list_changed()
    {
        using var logging = Logging(out _);
        await using var server = new UpstreamServer(ScriptedSettings("paged"), logging);
        var changes = 0;
        server.ToolsChanged += _ => Interlocked.Increment(ref changes);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));

        Assert.Equal(["t1", "t2", "t3", "t4", "t5"], server.Tools.Select(t => t["name"]!.GetValue<string>()));
        Assert.Equal(1, Volatile.Read(ref changes));

        await server.CallToolAsync("add-tool", new JsonObject { ["name"] = "t6" }, null, default);
        await Eventually(() => server.Tools.Count == 6, "the added tool to be published");
        Assert.Equal("t6", server.Tools[^1]["name"]!.GetValue<string>());
        Assert.Equal(2, Volatile.Read(ref changes));
    }

    [Fact]
    public async Task Other_notifications_and_server_requests_pass_through()
    {
        using var logging = Logging(out _);
        await using var server = new UpstreamServer(ScriptedSettings("passing"), logging);
        var notifications = new List<string>();
        server.NotificationReceived += (_, method, _) =>
        {
            lock (notifications)
            {
                notifications.Add(method);
            }
        };
        server.ServerRequestHandler = (method, _, _) => Task.FromResult<JsonNode?>(new JsonObject { ["answered"] = method });
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));

        await server.CallToolAsync("garbage-then-echo", new JsonObject { ["message"] = "m" }, null, default);
        var answer = JsonNode.Parse(Text(await server.CallToolAsync("ask-client", new JsonObject { ["method"] = "roots/list" }, null, default)))!;

        Assert.Equal("roots/list", answer["result"]?["answered"]?.GetValue<string>());
        await Eventually(() =>
        {
            lock (notifications)
            {
                return notifications.Contains("notifications/message");
            }
        }, "the logging notification");
    }

    [Fact]
    public async Task The_child_sees_the_safe_base_set_and_its_own_variables_but_not_the_gateways_secrets()
    {
        var secret = "LF_UPSTREAM_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(secret, "must-not-leak");
        try
        {
            using var logging = Logging(out _);
            var settings = EverythingStdioSettings("env") with
            {
                Environment = new Dictionary<string, string> { ["LF_GIVEN"] = "configured" },
            };
            await using var server = new UpstreamServer(settings, logging);
            server.Start();
            Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));

            var env = JsonNode.Parse(Text(await server.CallToolAsync("get-env", null, null, default)))!.AsObject();
            Assert.False(env.ContainsKey(secret), $"{secret} leaked into the child");
            Assert.Equal("configured", env["LF_GIVEN"]?.GetValue<string>());
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]?.GetValue<string>());

            var inherit = EverythingStdioSettings("env-inherit") with { InheritEnvironment = true };
            await using var inheriting = new UpstreamServer(inherit, logging);
            inheriting.Start();
            Assert.True(await inheriting.WaitForFirstToolsAsync(FirstTools, default));
            var all = JsonNode.Parse(Text(await inheriting.CallToolAsync("get-env", null, null, default)))!.AsObject();
            Assert.Equal("must-not-leak", all[secret]?.GetValue<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
        }
    }

    [Fact]
    public async Task Dispose_leaves_no_process_behind_even_behind_a_shell_wrapper()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var logging = Logging(out var log);
        var command = $"'{Npm.NodePath}' '{ScriptedServer}' --spawn-grandchild; exit 0";
        var settings = ScriptedSettings("wrapped") with { Command = ["sh", "-c", command] };
        var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));

        var shell = server.ProcessId ?? throw new Xunit.Sdk.XunitException("no process id");
        var node = Assert.Single(ChildrenOf(shell));
        await Eventually(() => log.Records.Any(r => r.Message.Contains("grandchild pid ")), "the grandchild's pid on stderr");
        var line = log.Records.First(r => r.Message.Contains("grandchild pid ")).Message;
        var sleeper = int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([sleeper], ChildrenOf(node));

        await server.DisposeAsync();
        await server.DisposeAsync();

        Assert.Equal(UpstreamStatus.Stopped, server.State.Status);
        await Eventually(() => !ProcessExists(shell) && !ProcessExists(node) && !ProcessExists(sleeper),
            $"processes to be gone: {Describe(shell)} (sh), {Describe(node)} (node), {Describe(sleeper)} (sleep)", 10_000);
        var stopped = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => server.CallToolAsync("t1", null, null, default));
        Assert.Contains("stopped", stopped.Message);
    }

    [Fact]
    public async Task A_killed_shell_wrapper_is_noticed_although_its_child_keeps_the_output_open()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var logging = Logging(out var log);
        var command = $"'{Npm.NodePath}' '{ScriptedServer}'; exit 0";
        var settings = ScriptedSettings("wrapped-killed") with { Command = ["sh", "-c", command] };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));
        var shell = server.ProcessId ?? throw new Xunit.Sdk.XunitException("no process id");
        var node = Assert.Single(ChildrenOf(shell));

        // The orphaned node still holds the pipe the shell shared with it, so the output does not end.
        using (var wrapper = Process.GetProcessById(shell))
        {
            wrapper.Kill();
        }

        await Eventually(() => server.State.Restarts >= 1 && server.State.Status == UpstreamStatus.Up, "restarted after the shell died");
        Assert.NotEqual(shell, server.ProcessId);
        Assert.Single(log.Records, r => r.Level == LogLevel.Warning && r.Message.Contains("'wrapped-killed' is down: the process exited"));
        await Eventually(() => !ProcessExists(node), $"the orphaned node {node} to exit once its input was closed", 10_000);
    }

    [Fact]
    public async Task A_command_that_cannot_start_leaves_the_server_down_with_the_reason()
    {
        using var logging = Logging(out var log);
        var settings = ScriptedSettings("missing") with
        {
            Command = ["/nonexistent/lf-no-such-program"],
            RestartDelay = TimeSpan.FromSeconds(5),
            MaxRestartDelay = TimeSpan.FromSeconds(5),
        };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();

        Assert.False(await server.WaitForFirstToolsAsync(TimeSpan.FromMilliseconds(300), default));
        await Eventually(() => server.State.Status == UpstreamStatus.Down, "state Down");
        Assert.Empty(server.Tools);
        Assert.NotNull(server.State.NextAttemptAt);
        var error = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => server.RequestAsync("ping", null, default));
        Assert.Matches("upstream MCP server 'missing' is unavailable: .+; next attempt in [1-6] s", error.Message);
        Assert.Single(log.Records, r => r.Level == LogLevel.Warning && r.Message.Contains("'missing' is down"));
    }

    [Fact]
    public async Task An_upstream_that_never_initializes_times_out_and_is_retried()
    {
        using var logging = Logging(out _);
        var settings = ScriptedSettings("mute", "--never-initialize") with { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();

        await Eventually(() => server.State.Restarts >= 1, "a second attempt");
        Assert.Contains("longer than 0.5 s", server.State.Reason);
    }

    [Theory]
    [InlineData("streamableHttp")]
    [InlineData("sse")]
    public async Task An_http_upstream_that_restarts_on_the_same_port_is_reconnected(string mode)
    {
        using var logging = Logging(out _);
        var first = await Npm.StartEverythingHttpAsync(mode);
        var port = first.Port;
        EverythingHttpServer? second = null;
        try
        {
            var settings = new UpstreamServerSettings
            {
                Name = "http-" + mode,
                Transport = mode == "sse" ? UpstreamTransportKind.Sse : UpstreamTransportKind.Http,
                Url = first.McpUrl,
                Headers = new Dictionary<string, string> { ["X-Test"] = "1" },
                RestartDelay = TimeSpan.FromMilliseconds(200),
                MaxRestartDelay = TimeSpan.FromMilliseconds(500),
            };
            await using var server = new UpstreamServer(settings, logging) { HealthCheckInterval = TimeSpan.FromMilliseconds(300) };
            server.Start();
            Assert.True(await server.WaitForFirstToolsAsync(FirstTools, default));
            Assert.Equal("Echo: one", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "one" }, null, default)));

            await first.DisposeAsync();
            await Eventually(() => server.State.Status == UpstreamStatus.Down, "state Down after the server went away");
            await Assert.ThrowsAsync<UpstreamUnavailableException>(() => server.CallToolAsync("echo", new JsonObject { ["message"] = "x" }, null, default));
            Assert.NotEmpty(server.Tools);

            second = await Npm.StartEverythingHttpAsync(mode, port);
            await Eventually(() => server.State.Status == UpstreamStatus.Up, "state Up after the server came back");
            Assert.Equal("Echo: two", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "two" }, null, default)));
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    internal static bool ProcessExists(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            // A zombie re-parented to init is gone from our point of view; one that is still our child is not.
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                return false;
            }

            try
            {
                var fields = File.ReadAllText(stat);
                var afterName = fields[(fields.LastIndexOf(')') + 2)..].Split(' ');
                return afterName[0] != "Z" || afterName[1] == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Describe(int pid) => File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat").Trim() : $"{pid} gone";

    private static int[] ChildrenOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : [];
    }
}
