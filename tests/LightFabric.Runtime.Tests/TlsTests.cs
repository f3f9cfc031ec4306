using LightFabric.Runtime.Bootstrap;
using LightFabric.Runtime.Hosting;
using LightFabric.Testing;

namespace LightFabric.Runtime.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task Config_server_over_https_is_trusted_through_bootstrapCaCertPath()
    {
        using var dir = new TempDirectory();
        using var certs = new TestCertificates(Path.Combine(dir.ConfigDir, "tls"));
        await using var server = await ConfigServerFixture.StartAsync(certs.Server);
        server.ValuesYaml = "demo.message: over-tls\n";
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\nstartup.bootstrapCaCertPath: config/tls/ca.pem\n");

        var logs = new LogCapture();
        await using var runtime = DemoRuntime.Create(dir, logs);
        await runtime.StartAsync();

        Assert.True(BootstrapSource.ConfigServer == runtime.State!.Configuration.Source, logs.AllText);
        Assert.Equal("over-tls", await ConfigServerBootstrapTests.Get(runtime, "/"));
    }

    [Fact]
    public async Task An_untrusted_config_server_certificate_is_refused()
    {
        using var dir = new TempDirectory();
        using var certs = new TestCertificates(Path.Combine(dir.Path, "elsewhere"));
        await using var server = await ConfigServerFixture.StartAsync(certs.Server);
        server.ValuesYaml = "demo.message: should-not-be-used\n";
        dir.WriteConfig("values.yml", $"light-config-server-uri: {server.Url}\ndemo.message: local\n");
        var logs = new LogCapture();

        await using var runtime = DemoRuntime.Create(dir, logs);
        await runtime.StartAsync();

        Assert.Equal(BootstrapSource.LocalFallback, runtime.State!.Configuration.Source);
        Assert.Equal("local", await ConfigServerBootstrapTests.Get(runtime, "/"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Https_listener_serves_with_the_configured_pem_certificate()
    {
        using var dir = new TempDirectory();
        using var certs = new TestCertificates(Path.Combine(dir.ConfigDir, "tls"));
        dir.WriteConfig("server.yml", """
            ip: 127.0.0.1
            enableHttp: false
            enableHttps: true
            httpsPort: 0
            tlsCertPath: config/tls/server-cert.pem
            tlsKeyPath: config/tls/server-key.pem
            """);
        dir.WriteConfig("values.yml", "demo.message: secure\n");
        await using var runtime = DemoRuntime.Create(dir);
        await runtime.StartAsync();

        var address = new Uri(runtime.Addresses.Single());
        Assert.Equal("https", address.Scheme);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert!.Thumbprint == certs.Server.Thumbprint,
        };
        using var client = new HttpClient(handler);
        Assert.Equal("secure", await client.GetStringAsync(new Uri($"https://localhost:{address.Port}/")));
    }

    [Fact]
    public async Task A_missing_tls_key_file_is_a_clear_startup_error()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("server.yml", "ip: 127.0.0.1\nenableHttp: false\nenableHttps: true\nhttpsPort: 0\ntlsCertPath: config/none.pem\ntlsKeyPath: config/none-key.pem\n");
        await using var runtime = DemoRuntime.Create(dir);

        var error = await Assert.ThrowsAsync<ListenerBindException>(() => runtime.StartAsync());

        Assert.Contains("tlsCertPath", error.Message);
        Assert.Contains("none.pem", error.Message);
    }
}
