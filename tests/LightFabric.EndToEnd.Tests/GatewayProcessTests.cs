using System.Net;
using System.Text.Json;
using LightFabric.Config;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests;

public sealed class GatewayProcessTests
{
    // The quick start's upstream MCP server is left out here (it has its own test in QuickstartMcpTests).
    private static readonly Dictionary<string, string> AnyPort = new() { ["SERVER_HTTPPORT"] = "0", ["MCP_ROUTER_SERVERS"] = "[]" };

    private static TempDirectory QuickstartCopy()
    {
        var dir = new TempDirectory();
        RepoPaths.CopyDirectory(RepoPaths.Quickstart, dir.Path);
        return dir;
    }

    [Fact]
    public async Task Quickstart_serves_and_drains_on_sigterm()
    {
        using var dir = QuickstartCopy();
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], AnyPort);
        var url = await gateway.WaitForReadyAsync();
        using var client = new HttpClient { BaseAddress = url };

        var ping = await client.GetAsync("/ping");
        Assert.Equal("ok", await ping.Content.ReadAsStringAsync());
        Assert.Equal("light-gateway", ping.Headers.GetValues("X-Gateway").Single());
        Assert.Equal("ok", await client.GetStringAsync("/health"));
        Assert.Equal("ready", JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement.GetProperty("status").GetString());

        gateway.Signal(PosixSignalNumber.SIGTERM);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("light-gateway stopped", gateway.StdOut);
    }

    [Fact]
    public async Task A_broken_upstream_command_leaves_the_listeners_open_and_readiness_names_it()
    {
        using var dir = QuickstartCopy();
        var env = new Dictionary<string, string>(AnyPort)
        {
            ["MCP_ROUTER_SERVERS"] = """[{"name": "everything", "transport": "stdio", "command": ["npxx-no-such-command", "-y", "x"]}]""",
            ["MCP_ROUTER_UPSTREAMSTARTUPWAITMS"] = "600000",
        };
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], env);
        var line = await gateway.WaitForLineAsync(l => l.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri(System.Text.RegularExpressions.Regex.Match(line, @"https?://[0-9.:]+").Value) };

        Assert.Equal("ok", await client.GetStringAsync("/health"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonElement upstream;
        HttpResponseMessage ready;
        do
        {
            ready = await client.GetAsync("/health/ready");
            upstream = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("upstreams")[0];
        }
        while (upstream.GetProperty("state").GetString() != "down" && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("everything", upstream.GetProperty("name").GetString());
        Assert.Equal("down", upstream.GetProperty("state").GetString());
        Assert.Contains("npxx-no-such-command", upstream.GetProperty("lastError").GetString());

        gateway.Signal(PosixSignalNumber.SIGTERM);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Sigterm_turns_readiness_off_while_requests_are_served_and_a_second_sigterm_drains_at_once()
    {
        using var dir = QuickstartCopy();
        var env = new Dictionary<string, string>(AnyPort) { ["SERVER_PRESTOPDELAYMS"] = "600000" };
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], env);
        using var client = new HttpClient { BaseAddress = await gateway.WaitForReadyAsync() };

        gateway.Signal(PosixSignalNumber.SIGTERM);
        await gateway.WaitForLineAsync(l => l.Contains("server.preStopDelayMs", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("stopping", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ping")).StatusCode);

        gateway.Signal(PosixSignalNumber.SIGTERM);
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("light-gateway stopped", gateway.StdOut);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    [Fact]
    public async Task Sighup_reloads_and_an_invalid_reload_keeps_the_running_configuration()
    {
        using var dir = QuickstartCopy();
        var values = Path.Combine(dir.ConfigDir, "values.yml");
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], AnyPort);
        using var client = new HttpClient { BaseAddress = await gateway.WaitForReadyAsync() };
        Assert.Equal("light-gateway", (await client.GetAsync("/ping")).Headers.GetValues("X-Gateway").Single());

        File.WriteAllText(values, File.ReadAllText(values).Replace("X-Gateway: light-gateway", "X-Gateway: reloaded"));
        gateway.Signal(PosixSignalNumber.SIGHUP);
        await gateway.WaitForLineAsync(l => l.Contains("reload applied", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal("reloaded", (await client.GetAsync("/ping")).Headers.GetValues("X-Gateway").Single());

        File.WriteAllText(values, File.ReadAllText(values).Replace("exec: [default, health]", "exec: [default, no-such-handler]"));
        gateway.Signal(PosixSignalNumber.SIGHUP);
        var rejected = await gateway.WaitForLineAsync(l => l.Contains("reload rejected", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains("no-such-handler", rejected);
        var stillServing = await client.GetAsync("/ping");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        Assert.Equal("reloaded", stillServing.Headers.GetValues("X-Gateway").Single());
    }

    [Fact]
    public async Task Sighup_reloads_a_gateway_started_with_sighup_ignored_as_under_nohup()
    {
        using var dir = QuickstartCopy();
        var values = Path.Combine(dir.ConfigDir, "values.yml");
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], AnyPort, ignoreHangup: true);
        using var client = new HttpClient { BaseAddress = await gateway.WaitForReadyAsync() };
        Assert.Equal("light-gateway", (await client.GetAsync("/ping")).Headers.GetValues("X-Gateway").Single());

        File.WriteAllText(values, File.ReadAllText(values).Replace("X-Gateway: light-gateway", "X-Gateway: reloaded"));
        gateway.Signal(PosixSignalNumber.SIGHUP);
        await gateway.WaitForLineAsync(l => l.Contains("reload applied", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal("reloaded", (await client.GetAsync("/ping")).Headers.GetValues("X-Gateway").Single());
    }

    [Fact]
    public async Task Boots_from_config_server_and_restarts_from_its_cache_when_it_is_gone()
    {
        const string token = "portal-token-7d1e";
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "server.ip: 127.0.0.1\nstartup.timeout: 1000\nstartup.connectTimeout: 500\n");
        var env = new Dictionary<string, string>(AnyPort) { ["LIGHT_PORTAL_AUTHORIZATION"] = token };

        await using (var server = await ConfigServerFixture.StartAsync())
        {
            server.ValuesYaml = """
                handler.paths:
                  - {path: /from-server, method: GET, exec: [correlation, health]}
                """;
            server.Files = new() { ["header.yml"] = "enabled: true\nresponse:\n  update: {X-From: config-server-file}\n" };
            env["LIGHT_CONFIG_SERVER_URI"] = server.Url;
            env["LIGHT_ENV"] = "prod";
            await using var first = GatewayProcess.Start(dir.Path, [], env);
            using var client = new HttpClient { BaseAddress = await first.WaitForReadyAsync() };
            Assert.Equal("ok", await client.GetStringAsync("/from-server"));
            var request = server.Requests.First(r => r.Path == "/config-server/configs");
            Assert.Equal("Bearer " + token, request.Authorization);
            Assert.Equal("com.networknt.light-gateway-1.0.0", request.Query["serviceId"]);
            Assert.True(File.Exists(Path.Combine(dir.CacheDir, "values.yml")));
            Assert.True(File.Exists(Path.Combine(dir.CacheDir, "header.yml")));
            first.Signal(PosixSignalNumber.SIGTERM);
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.DoesNotContain(token, first.StdOut + first.StdErr);
        }

        await using var second = GatewayProcess.Start(dir.Path, [], env);
        using var again = new HttpClient { BaseAddress = await second.WaitForReadyAsync() };
        Assert.Equal("ok", await again.GetStringAsync("/from-server"));
        Assert.Contains("starting from the cached configuration", second.StdOut);
        Assert.DoesNotContain(token, second.StdOut + second.StdErr);
    }

    [Fact]
    public async Task A_port_in_use_exits_with_a_clear_error()
    {
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        using var dir = QuickstartCopy();

        var (code, stdout, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["--dir", dir.Path], new Dictionary<string, string> { ["SERVER_HTTPPORT"] = port.ToString() });

        Assert.Equal(3, code);
        Assert.Contains($"127.0.0.1:{port}", stderr);
        Assert.Contains("address already in use", stderr);
        AssertOneLineWithoutStack(stdout, stderr);
    }

    [Fact]
    public async Task A_bad_tls_certificate_exits_with_one_line_and_no_stack()
    {
        using var dir = QuickstartCopy();
        dir.WriteConfig("not-a-certificate.pem", "this is not PEM\n");
        var env = new Dictionary<string, string>(AnyPort)
        {
            ["SERVER_ENABLEHTTPS"] = "true",
            ["SERVER_HTTPSPORT"] = "0",
            ["SERVER_TLSCERTPATH"] = "config/not-a-certificate.pem",
            ["SERVER_TLSKEYPATH"] = "config/not-a-certificate.pem",
        };

        var (code, stdout, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["--dir", dir.Path], env);

        Assert.Equal(3, code);
        Assert.Contains("tlsCertPath", stderr);
        AssertOneLineWithoutStack(stdout, stderr);
    }

    /// <summary>A known startup failure is one line on stderr: no stack trace, and no ERROR record repeating it.</summary>
    private static void AssertOneLineWithoutStack(string stdout, string stderr)
    {
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain(" ERROR ", stdout);
    }

    [Fact]
    public async Task Validate_config_lists_every_problem_without_binding_ports()
    {
        using var dir = QuickstartCopy();
        var (ok, okOut, _) = await GatewayProcess.RunAsync(RepoPaths.Root, ["validate-config", "--dir", dir.Path]);
        Assert.Equal(0, ok);
        Assert.Contains("configuration is valid", okOut);

        dir.WriteConfig("handler.yml", "paths: [{path: /x, method: GET, exec: [nope]}]\ndefaultHandlers: [loop]\nchains: {loop: [loop]}\n");
        dir.WriteConfig("server.yml", "httpPort: 70000\nip: 127.0.0.1\n");
        var (bad, _, badErr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["validate-config", "--dir", dir.Path]);

        Assert.Equal(1, bad);
        Assert.Contains("unknown handler 'nope'", badErr);
        Assert.Contains("recursive", badErr);
        Assert.Contains("httpPort: 70000", badErr);
    }

    [Fact]
    public async Task Secrets_are_decrypted_for_use_and_masked_in_listings()
    {
        const string password = "light";
        const string plain = "s3cr3t-header-value";
        var encrypted = SecretDecryptor.EncryptSymmetric(plain, password);
        using var dir = QuickstartCopy();
        var values = Path.Combine(dir.ConfigDir, "values.yml");
        File.WriteAllText(values, File.ReadAllText(values).Replace("X-Gateway: light-gateway", $"X-Gateway: light-gateway\n  X-Echo: \"{encrypted}\""));
        var env = new Dictionary<string, string>(AnyPort) { ["light_4j_config_password"] = password };

        var (code, show, _) = await GatewayProcess.RunAsync(RepoPaths.Root, ["validate-config", "--show", "--dir", dir.Path], env);
        Assert.True(code == 0, show);
        Assert.Contains("light-gateway/header", show);
        Assert.DoesNotContain(plain, show);

        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], env);
        using var client = new HttpClient { BaseAddress = await gateway.WaitForReadyAsync() };
        Assert.Equal(plain, (await client.GetAsync("/ping")).Headers.GetValues("X-Echo").Single());
        Assert.DoesNotContain(plain, gateway.StdOut + gateway.StdErr);

        var (wrong, _, wrongErr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["validate-config", "--dir", dir.Path],
            new Dictionary<string, string> { ["light_4j_config_password"] = "not-the-password" });
        Assert.Equal(1, wrong);
        Assert.Contains("header.yml", wrongErr);
    }

    [Fact]
    public async Task Prints_and_dumps_the_embedded_default_configs()
    {
        var (code, stdout, _) = await GatewayProcess.RunAsync(RepoPaths.Root, ["--print-default-config", "server.yml"]);
        Assert.Equal(0, code);
        Assert.Contains("httpPort: ${server.httpPort:8080}", stdout);

        using var dir = new TempDirectory();
        var (dumped, _, _) = await GatewayProcess.RunAsync(RepoPaths.Root, ["--dump-default-configs", dir.Path]);
        Assert.Equal(0, dumped);
        foreach (var name in new[] { "values.yml", "startup.yml", "server.yml", "client.yml", "portal-registry.yml", "handler.yml", "correlation.yml", "cors.yml", "header.yml" })
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, name)), name);
        }

        var (unknown, _, err) = await GatewayProcess.RunAsync(RepoPaths.Root, ["--print-default-config", "nope.yml"]);
        Assert.Equal(2, unknown);
        Assert.Contains("available:", err);
    }

    [Fact]
    public async Task Json_log_format_writes_one_object_per_line()
    {
        using var dir = QuickstartCopy();
        var env = new Dictionary<string, string>(AnyPort) { ["LIGHT_LOG_FORMAT"] = "json", ["RUST_LOG"] = "debug" };
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], env);
        await gateway.WaitForReadyAsync();
        gateway.Signal(PosixSignalNumber.SIGTERM);
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(15));

        var lines = gateway.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.True(doc.RootElement.TryGetProperty("level", out _), line);
            Assert.True(doc.RootElement.GetProperty("fields").TryGetProperty("message", out _), line);
        }

        Assert.Contains(lines, l => l.Contains("\"DEBUG\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cel_rule_tester_prints_results_and_positioned_errors()
    {
        using var dir = new TempDirectory();
        var vars = dir.Write("vars.json", """{"roles": ["admin"], "toolArguments": {"amount": 5}}""");

        var (ok, stdout, _) = await GatewayProcess.RunAsync(RepoPaths.Root, ["cel", "eval", "--expr", "'admin' in roles && toolArguments.amount < 1000", "--vars", vars]);
        Assert.Equal(0, ok);
        Assert.Contains("result: true", stdout);

        var (bad, _, stderr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["cel", "eval", "--expr", "1 +"]);
        Assert.Equal(2, bad);
        Assert.Contains("1:4", stderr);
    }
}
