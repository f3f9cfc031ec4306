using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LightFabric.Config;
using LightFabric.Runtime.Hosting;
using LightFabric.Runtime.Modules;
using LightFabric.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Health_is_ok_and_readiness_follows_the_lifecycle()
    {
        using var dir = new TempDirectory();
        await using var runtime = DemoRuntime.Create(dir);
        Assert.False(runtime.Lifecycle.IsReady);
        await runtime.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };
        Assert.Equal("ok", await client.GetStringAsync("/health"));
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("ready", body.GetProperty("lifecycle").GetString());
        Assert.Equal(0, body.GetProperty("upstreams").GetArrayLength());
        Assert.Equal(LifecycleState.Ready, runtime.Lifecycle.State);

        await runtime.StopAsync();
        Assert.Equal(LifecycleState.Stopped, runtime.Lifecycle.State);
        Assert.False(runtime.Lifecycle.IsReady);
    }

    [Fact]
    public async Task Draining_is_not_ready_and_in_flight_requests_finish()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.message: finished\nserver.shutdownGracefulPeriod: 10000\n");
        var held = new HeldRequests();
        await using var runtime = DemoRuntime.Create(dir, held: held);
        await runtime.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };

        var slow = client.GetStringAsync("/slow");
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = runtime.StopAsync();
        Assert.Equal(LifecycleState.Draining, runtime.Lifecycle.State);
        Assert.False(runtime.Lifecycle.IsReady);
        Assert.False(stopping.IsCompleted);

        held.Release();
        Assert.Equal("finished", await slow);
        await stopping;
        Assert.Equal(LifecycleState.Stopped, runtime.Lifecycle.State);
    }

    [Fact]
    public async Task A_stop_request_turns_readiness_off_for_the_pre_stop_delay_while_requests_are_still_served()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.message: still-serving\nserver.preStopDelayMs: 10000\n");
        var time = new FakeTimeProvider();
        await using var runtime = DemoRuntime.Create(dir, time: time);
        await runtime.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };
        var shutdown = runtime.WaitForShutdownAsync();

        runtime.RequestStop();

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("stopping", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal("still-serving", await client.GetStringAsync("/"));
        Assert.Equal(LifecycleState.PreStop, runtime.Lifecycle.State);
        Assert.False(shutdown.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(10));
        await shutdown;
        Assert.Equal(LifecycleState.Stopped, runtime.Lifecycle.State);
    }

    [Fact]
    public async Task A_second_stop_request_skips_the_rest_of_the_pre_stop_delay()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "server.preStopDelayMs: 600000\n");
        await using var runtime = DemoRuntime.Create(dir, time: new FakeTimeProvider());
        await runtime.StartAsync();
        var shutdown = runtime.WaitForShutdownAsync();

        runtime.RequestStop();
        Assert.Equal(LifecycleState.PreStop, runtime.Lifecycle.State);
        runtime.RequestStop();

        await shutdown;
        Assert.Equal(LifecycleState.Stopped, runtime.Lifecycle.State);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_startup_error()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", $"server.httpPort: {port}\n");
        await using var runtime = DemoRuntime.Create(dir);

        var error = await Assert.ThrowsAsync<ListenerBindException>(() => runtime.StartAsync());

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("address already in use", error.Message);
        Assert.Contains("server.httpPort", error.Message);
        Assert.NotEqual(LifecycleState.Ready, runtime.Lifecycle.State);
    }

    [Fact]
    public async Task Invalid_configuration_stops_startup_with_every_problem()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.valid: false\nserver.httpPort: 70000\n");
        await using var runtime = DemoRuntime.Create(dir);

        var error = await Assert.ThrowsAsync<ConfigException>(() => runtime.StartAsync());

        // The value came from values.yml through demo.yml's placeholder, so that is where the problem is.
        Assert.Contains(error.Problems, p => p.File == Path.Combine(dir.ConfigDir, "values.yml") && p.Key == "demo.valid" && p.UsedBy == "demo.yml");
        Assert.Contains(error.Problems, p => p.ToString().Contains("httpPort", StringComparison.Ordinal));
        Assert.Empty(runtime.Addresses);
    }

    [Fact]
    public async Task Reload_swaps_a_valid_model_and_reports_each_module()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.message: first\n");
        await using var runtime = DemoRuntime.Create(dir);
        await runtime.StartAsync();
        Assert.Equal("first", await ConfigServerBootstrapTests.Get(runtime, "/"));

        dir.WriteConfig("values.yml", "demo.message: second\n");
        var report = await runtime.ReloadAsync();

        Assert.True(report.Applied);
        Assert.Contains(report.Modules, m => m.Module == "demo/demo" && m.Status == ModuleReloadStatus.Reloaded);
        Assert.Contains(report.Modules, m => m.Module == LightRuntime<DemoModel>.ServerModuleId && m.Status == ModuleReloadStatus.Skipped);
        Assert.Equal("second", await ConfigServerBootstrapTests.Get(runtime, "/"));
        Assert.Equal("second", runtime.Modules.Find("demo/demo")!.MaskedConfig!["message"]!.ToString());
    }

    [Fact]
    public async Task An_invalid_reload_keeps_the_last_good_model()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.message: good\n");
        await using var runtime = DemoRuntime.Create(dir);
        await runtime.StartAsync();
        var before = runtime.State;

        dir.WriteConfig("values.yml", "demo.message: bad\ndemo.valid: false\n");
        var report = await runtime.ReloadAsync();

        Assert.False(report.Applied);
        Assert.Contains(report.Modules, m => m.Module == "demo/demo" && m.Status == ModuleReloadStatus.Failed);
        Assert.Contains(report.Problems, p => p.Contains("demo.yml", StringComparison.Ordinal));
        Assert.Same(before, runtime.State);
        Assert.Equal("good", await ConfigServerBootstrapTests.Get(runtime, "/"));
    }

    [Fact]
    public async Task An_empty_module_file_fails_the_start_and_a_reload_keeps_the_last_good_model()
    {
        using var dir = new TempDirectory();
        var demo = dir.WriteConfig("demo.yml", "");
        await using (var refused = DemoRuntime.Create(dir))
        {
            var error = await Assert.ThrowsAsync<ConfigException>(() => refused.StartAsync());
            Assert.Contains(error.Problems, p => p.File == demo && p.Message.StartsWith("file is empty", StringComparison.Ordinal));
        }

        dir.WriteConfig("demo.yml", "message: good\n");
        await using var runtime = DemoRuntime.Create(dir);
        await runtime.StartAsync();
        var before = runtime.State;

        dir.WriteConfig("demo.yml", "   \n# emptied by a half-finished deploy\n");
        var report = await runtime.ReloadAsync();

        Assert.False(report.Applied);
        Assert.Contains(report.Modules, m => m.Module == "demo/demo" && m.Status == ModuleReloadStatus.Failed);
        Assert.Contains(report.Problems, p => p == $"{demo}: file is empty; delete it to use the defaults or set enabled: false");
        Assert.Same(before, runtime.State);
        Assert.Equal("good", await ConfigServerBootstrapTests.Get(runtime, "/"));
    }

    [Fact]
    public async Task A_reload_that_changes_only_a_secret_names_the_key_and_never_the_value()
    {
        var oldSecret = SecretDecryptor.EncryptSymmetric("old-password-1d7", "test-master-password");
        var newSecret = SecretDecryptor.EncryptSymmetric("new-password-9f2", "test-master-password");
        var env = new Dictionary<string, string> { ["light_4j_config_password"] = "test-master-password" };
        using var dir = new TempDirectory();
        using var logs = new LogCapture();
        dir.WriteConfig("demo.yml", "message: same\ndbPassword: ${demo.dbPassword}\napiToken: ${demo.apiToken}\n");
        dir.WriteConfig("values.yml", $"demo.dbPassword: {oldSecret}\ndemo.apiToken: plain-token-a\n");
        await using var runtime = DemoRuntime.Create(dir, logs, env);
        await runtime.StartAsync();

        dir.WriteConfig("values.yml", $"demo.dbPassword: {newSecret}\ndemo.apiToken: plain-token-b\n");
        var report = await runtime.ReloadAsync();

        Assert.True(report.Applied);
        var demo = Assert.Single(report.Modules, m => m.Module == "demo/demo");
        Assert.Equal(ModuleReloadStatus.Reloaded, demo.Status);
        Assert.Equal("changed: apiToken, dbPassword", demo.Message);
        foreach (var secret in new[] { "old-password-1d7", "new-password-9f2", "plain-token-a", "plain-token-b" })
        {
            Assert.DoesNotContain(secret, report.ToString());
            Assert.DoesNotContain(secret, logs.AllText);
        }
    }

    [Fact]
    public async Task Unknown_keys_are_one_warning_line_each_at_start_and_problems_when_strict()
    {
        using var dir = new TempDirectory();
        var values = dir.WriteConfig("values.yml", "demo.mesage: typo\nserver.httpPort: 0\n");
        dir.WriteConfig("server.yml", "ip: 127.0.0.1\nhttpPort: ${server.httpPort:0}\nenableHttp: true\nshutdownGracefullPeriod: 10\n");
        using var logs = new LogCapture();
        await using (var runtime = DemoRuntime.Create(dir, logs))
        {
            await runtime.StartAsync();

            Assert.Equal("embedded", await ConfigServerBootstrapTests.Get(runtime, "/"));
            var warnings = logs.Records.Where(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Message).ToArray();
            Assert.Contains($"Configuration: {values}: demo.mesage: unknown key: no placeholder ${{demo.mesage}} in demo.yml or any other file, so this value is not used; did you mean demo.message?", warnings);
            Assert.Contains($"Configuration: server.yml: shutdownGracefullPeriod: unknown key; did you mean shutdownGracefulPeriod?", warnings);
            Assert.All(warnings, w => Assert.DoesNotContain('\n', w));
            Assert.Equal(2, runtime.State!.Warnings.Count);
        }

        await using var strict = DemoRuntime.Create(dir, strict: true);
        var error = await Assert.ThrowsAsync<ConfigException>(() => strict.StartAsync());
        Assert.Contains(error.Problems, p => p.File == values && p.Key == "demo.mesage");
        Assert.Contains(error.Problems, p => p.File == "server.yml" && p.Key == "shutdownGracefullPeriod");
    }

    [Fact]
    public async Task Reload_downloads_again_from_config_server()
    {
        await using var server = await ConfigServerFixture.StartAsync();
        server.ValuesYaml = "demo.message: v1\n";
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\n");
        await using var runtime = DemoRuntime.Create(dir);
        await runtime.StartAsync();
        Assert.Equal("v1", await ConfigServerBootstrapTests.Get(runtime, "/"));

        server.ValuesYaml = "demo.message: v2\n";
        var report = await runtime.ReloadAsync();

        Assert.True(report.Applied);
        Assert.Equal("v2", await ConfigServerBootstrapTests.Get(runtime, "/"));
        Assert.Equal(2, server.Requests.Count(r => r.Path == "/config-server/configs"));
    }

    [Fact]
    public async Task Environment_overrides_values_for_placeholders()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "demo.message: from-values\n");
        await using var runtime = DemoRuntime.Create(dir, env: new() { ["DEMO_MESSAGE"] = "from-env" });
        await runtime.StartAsync();
        Assert.Equal("from-env", await ConfigServerBootstrapTests.Get(runtime, "/"));
    }
}
