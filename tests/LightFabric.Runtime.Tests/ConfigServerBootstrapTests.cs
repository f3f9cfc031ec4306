using LightFabric.Runtime.Bootstrap;
using LightFabric.Testing;

namespace LightFabric.Runtime.Tests;

public sealed class ConfigServerBootstrapTests
{
    private const string Token = "tok-3f9a1c77e2";

    [Fact]
    public async Task Downloads_values_and_files_into_the_cache_and_serves_them()
    {
        await using var server = await ConfigServerFixture.StartAsync();
        server.ValuesYaml = "demo.message: from-config-server\nserver.serviceId: com.example.gw-2.0.0\n";
        server.Files = new() { ["extra.yml"] = "k: v\n", ["nested/rules.yml"] = "r: 1\n" };
        server.Certs = new() { ["ca-bundle.pem"] = "-----BEGIN CERTIFICATE-----\n" };
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\nstartup.host: gw01.example.com\n");
        var logs = new LogCapture();

        await using var runtime = DemoRuntime.Create(dir, logs, new() { ["LIGHT_PORTAL_AUTHORIZATION"] = Token });
        await runtime.StartAsync();

        // The log says why a download fell back, should it ever.
        Assert.True(runtime.State!.Configuration.Source == BootstrapSource.ConfigServer, logs.AllText);
        Assert.Equal("from-config-server", await Get(runtime, "/"));

        var configs = server.Requests.Single(r => r.Path == "/config-server/configs");
        Assert.Equal("Bearer " + Token, configs.Authorization);
        Assert.Equal("application/yaml", configs.Accept);
        Assert.Equal("gw01.example.com", configs.Query["host"]);
        Assert.Equal("com.example.demo-1.0.0", configs.Query["serviceId"]);
        Assert.Equal("test", configs.Query["envTag"]);
        Assert.Contains(server.Requests, r => r.Path == "/config-server/files");
        Assert.Contains(server.Requests, r => r.Path == "/config-server/certs");

        Assert.Contains("from-config-server", File.ReadAllText(Path.Combine(dir.CacheDir, "values.yml")));
        Assert.Equal("k: v\n", File.ReadAllText(Path.Combine(dir.CacheDir, "extra.yml")));
        Assert.Equal("r: 1\n", File.ReadAllText(Path.Combine(dir.CacheDir, "nested", "rules.yml")));
        Assert.True(File.Exists(Path.Combine(dir.CacheDir, "ca-bundle.pem")));
        Assert.Empty(Directory.GetFiles(dir.CacheDir, "*.tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain(Token, logs.AllText);
    }

    [Fact]
    public async Task Restarts_from_the_cache_when_config_server_is_gone()
    {
        using var dir = new TempDirectory();
        var logs = new LogCapture();
        await using (var server = await ConfigServerFixture.StartAsync())
        {
            server.ValuesYaml = "demo.message: cached-value\n";
            dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\nstartup.timeout: 1000\n");
            await using var first = DemoRuntime.Create(dir);
            await first.StartAsync();
            Assert.Equal("cached-value", await Get(first, "/"));
        }

        await using var second = DemoRuntime.Create(dir, logs);
        await second.StartAsync();

        Assert.Equal(BootstrapSource.Cache, second.State!.Configuration.Source);
        Assert.Equal("cached-value", await Get(second, "/"));
        Assert.Contains(logs.Records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains(dir.CacheDir, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Starts_from_local_config_when_config_server_is_down_and_no_cache_exists()
    {
        using var dir = new TempDirectory();
        // A port nothing listens on: bind and release one.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        dir.WriteConfig("values.yml", $"light-config-server-uri: http://127.0.0.1:{deadPort}\ndemo.message: local-value\n");
        var logs = new LogCapture();

        await using var runtime = DemoRuntime.Create(dir, logs);
        await runtime.StartAsync();

        Assert.Equal(BootstrapSource.LocalFallback, runtime.State!.Configuration.Source);
        Assert.Equal("local-value", await Get(runtime, "/"));
        Assert.Contains(logs.Records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("local configuration only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accepts_a_json_values_map_and_rejects_an_unknown_content_type()
    {
        await using var server = await ConfigServerFixture.StartAsync();
        server.ValuesContentType = "application/json";
        server.ValuesYaml = """{"demo.message": "from-json"}""";
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\n");

        await using (var runtime = DemoRuntime.Create(dir))
        {
            await runtime.StartAsync();
            Assert.Equal("from-json", await Get(runtime, "/"));
        }

        server.ValuesContentType = "text/html";
        server.ValuesYaml = "<html>login</html>";
        var logs = new LogCapture();
        await using var again = DemoRuntime.Create(dir, logs);
        await again.StartAsync();
        Assert.Equal(BootstrapSource.Cache, again.State!.Configuration.Source);
        Assert.Contains("text/html", logs.AllText);
    }

    [Theory]
    [InlineData("abc", "Bearer abc")]
    [InlineData("bearer abc", "Bearer abc")]
    [InlineData("Bearer abc", "Bearer abc")]
    [InlineData("Basic dXNlcjpwdw==", "Basic dXNlcjpwdw==")]
    [InlineData("", null)]
    public void Normalizes_the_authorization_header(string raw, string? expected) =>
        Assert.Equal(expected, LightFabric.Config.ConfigServer.AuthorizationHeader.Normalize(raw));

    [Theory]
    [InlineData("../escape.yml")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b.yml")]
    [InlineData("dir\\file.yml")]
    public void Cache_writer_refuses_names_that_leave_the_cache(string name)
    {
        using var dir = new TempDirectory();
        var writer = new LightFabric.Config.ConfigServer.ConfigCacheWriter(dir.CacheDir);
        Assert.Throws<LightFabric.Config.ConfigServer.ConfigServerException>(() => writer.Write(name, "x"));
        Assert.False(File.Exists(Path.Combine(dir.Path, "escape.yml")));
    }

    [Fact]
    public async Task An_unwritable_cache_or_a_bad_file_name_does_not_stop_startup()
    {
        await using var server = await ConfigServerFixture.StartAsync();
        server.ValuesYaml = "demo.message: still-applied\n";
        server.Files = new() { ["../outside.yml"] = "x: 1\n" };
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\n");
        File.WriteAllText(dir.CacheDir, "a file where the cache directory should be");
        var logs = new LogCapture();

        await using var runtime = DemoRuntime.Create(dir, logs);
        await runtime.StartAsync();

        Assert.Equal("still-applied", await Get(runtime, "/"));
        Assert.Contains(logs.Records, r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("make config-cache writable", StringComparison.Ordinal));
        Assert.Contains(logs.Records, r => r.Message.Contains("../outside.yml", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir.Path, "outside.yml")));
    }

    internal static async Task<string> Get(LightFabric.Runtime.Hosting.LightRuntime<DemoModel> runtime, string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };
        return await client.GetStringAsync(path);
    }
}
