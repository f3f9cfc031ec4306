using System.Security.Cryptography;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class ConfigLoaderTests
{
    private const string Password = "light";

    private static ConfigLoader Loader(TempConfigRoot root, IEnvironmentReader? env = null, params (string Name, string Content)[] embedded)
    {
        var sources = new ConfigSourceSet(new InMemoryEmbeddedConfig(embedded.ToDictionary(f => f.Name, f => f.Content)), root.Directories);
        var environment = env ?? Env.Of(("light_4j_config_password", Password));
        return new ConfigLoader(sources, sources.LoadValues(), environment, SecretDecryptor.FromEnvironment(environment));
    }

    [Fact]
    public void Loads_the_seed_server_yml_against_values_and_binds_it()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "values.yml",
            "server.serviceId: com.customer.mcp-gateway-1.0.0\nserver.httpPort: 8080\nserver.enableHttps: false\nserver.ip: 0.0.0.0");
        var path = root.Write(ConfigLayer.Local, "server.yml",
            "ip: ${server.ip:0.0.0.0}\nhttpPort: ${server.httpPort:8080}\nenableHttps: ${server.enableHttps:false}\n" +
            "serviceId: ${server.serviceId:com.networknt.light-gateway-1.0.0}\ntlsCertPath: ${server.tlsCertPath:}");

        var loaded = Loader(root, Env.Of(("SERVER_HTTPPORT", "9443"))).Load("server");

        Assert.Equal("server.yml", loaded.Name);
        Assert.Equal(ConfigLayer.Local, loaded.Layer);
        Assert.Equal("file:" + path, loaded.Provenance);
        var bound = loaded.Bind<ServerSettings>();
        Assert.Equal(9443, bound.HttpPort);
        Assert.Equal("{\"ip\":\"0.0.0.0\",\"httpPort\":9443,\"enableHttps\":false,\"serviceId\":\"com.customer.mcp-gateway-1.0.0\",\"tlsCertPath\":\"\"}",
            loaded.Values.ToJsonString());
    }

    [Fact]
    public void Missing_file_lists_every_searched_location()
    {
        using var root = new TempConfigRoot();
        var loader = Loader(root);

        Assert.Null(loader.TryLoad("proxy"));
        var ex = Assert.Throws<ConfigException>(() => loader.Load("proxy"));

        Assert.Contains("config file 'proxy.yml' not found", ex.Message);
        Assert.Contains("embedded:proxy.yml", ex.Message);
        Assert.Contains(Path.Combine(root.Directories.CacheDir, "proxy.yaml"), ex.Message);
    }

    [Fact]
    public void Empty_file_is_an_error_an_empty_map_loads_and_non_map_is_an_error()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "empty.yml", "# nothing yet\n");
        root.Write(ConfigLayer.Local, "braces.yml", "{}\n");
        root.Write(ConfigLayer.Local, "list.yml", "- a\n- b\n");
        var loader = Loader(root);

        Assert.Contains("file is empty", Assert.Throws<ConfigException>(() => loader.Load("empty")).Message);
        Assert.Empty(loader.Load("braces").Values);
        var ex = Assert.Throws<ConfigException>(() => loader.Load("list"));
        Assert.Contains("top level must be a map", ex.Message);
    }

    [Fact]
    public void Encrypted_values_decrypt_from_the_file_values_and_environment_and_are_recorded()
    {
        using var root = new TempConfigRoot();
        var fromValues = SecretDecryptor.EncryptSymmetric("values-secret", Password);
        var fromEnv = SecretDecryptor.EncryptSymmetric("env-secret", Password);
        root.Write(ConfigLayer.Local, "values.yml", $"db.password: {fromValues}\ndb.user: admin");
        root.Write(ConfigLayer.Local, "db.yml",
            $"inline: {SecretDecryptor.EncryptSymmetric("inline-secret", Password)}\n" +
            "password: ${db.password}\nurl: postgres://${db.user}:${db.password}@host/db\napiToken: ${api.token}\n" +
            "users:\n  - name: a\n    pin: ${db.password}\n");
        var env = Env.Of(("light_4j_config_password", Password), ("API_TOKEN", fromEnv));

        var loaded = Loader(root, env).Load("db");

        Assert.Equal("inline-secret", loaded.Values["inline"]!.GetValue<string>());
        Assert.Equal("values-secret", loaded.Values["password"]!.GetValue<string>());
        Assert.Equal("postgres://admin:values-secret@host/db", loaded.Values["url"]!.GetValue<string>());
        Assert.Equal("env-secret", loaded.Values["apiToken"]!.GetValue<string>());
        Assert.Equal(["apiToken", "inline", "password", "url", "users[0].pin"], loaded.SecretPaths.Order());
    }

    [Fact]
    public void Masked_view_never_shows_decrypted_or_sensitive_values()
    {
        using var root = new TempConfigRoot();
        using var rsa = RSA.Create(2048);
        root.Write(ConfigLayer.Local, "values.yml", $"db.password: {SecretDecryptor.EncryptSymmetric("s3cr3t-a", Password)}");
        root.Write(ConfigLayer.Local, "app.yml",
            "url: postgres://admin:${db.password}@host/db\n" +
            $"opaque: {SecretDecryptor.EncryptRsa("s3cr3t-b", rsa.ExportSubjectPublicKeyInfoPem())}\n" +
            "clientSecret: s3cr3t-c\nportalToken: s3cr3t-d\nkeys:\n  - api_key: s3cr3t-e\ncredentials: [s3cr3t-f]\n" +
            "emptyPassword: ''\ntokenUrl: https://idp/token\nport: 80");
        var env = Env.Of(("light_4j_config_password", Password), ("light_4j_config_private_key", rsa.ExportPkcs8PrivateKeyPem()));

        var loaded = Loader(root, env).Load("app");
        var masked = loaded.Masked().ToJsonString();

        Assert.Equal("s3cr3t-b", loaded.Values["opaque"]!.GetValue<string>());
        Assert.DoesNotContain("s3cr3t", masked);
        Assert.Contains("\"url\":\"****\"", masked);
        Assert.Contains("\"emptyPassword\":\"\"", masked);
        Assert.Contains("\"tokenUrl\":\"https://idp/token\"", masked);
        Assert.Contains("\"port\":80", masked);
        Assert.Equal("postgres://admin:s3cr3t-a@host/db", loaded.Values["url"]!.GetValue<string>());
    }

    [Fact]
    public void Decryption_failure_fails_the_load_naming_file_key_and_line()
    {
        using var root = new TempConfigRoot();
        var path = root.Write(ConfigLayer.Local, "server.yml",
            $"ip: 0.0.0.0\ntls:\n  keyPassword: {SecretDecryptor.EncryptSymmetric("x", "another-password")}\n");

        var ex = Assert.Throws<ConfigException>(() => Loader(root).Load("server"));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal(path, problem.File);
        Assert.Equal("tls.keyPassword", problem.Key);
        Assert.Equal(3, problem.Line);
        Assert.Contains("light_4j_config_password", problem.Message);
    }

    [Fact]
    public void Encrypted_value_without_a_password_fails_the_load()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "server.yml", $"keyPassword: {SecretDecryptor.EncryptSymmetric("x", Password)}\n");

        var ex = Assert.Throws<ConfigException>(() => Loader(root, Env.None).Load("server"));

        Assert.Contains("no password is configured", ex.Message);
        Assert.Contains("keyPassword", ex.Message);
    }

    [Fact]
    public void Bind_errors_never_echo_secret_values()
    {
        using var root = new TempConfigRoot();
        root.Write(ConfigLayer.Local, "server.yml", $"httpPort: {SecretDecryptor.EncryptSymmetric("not-a-port", Password)}\n");

        var loaded = Loader(root).Load("server");
        var ex = Assert.Throws<ConfigException>(() => loaded.Bind<ServerSettings>());

        Assert.DoesNotContain("not-a-port", ex.Message);
        Assert.Contains("httpPort", ex.Message);
    }

    [Fact]
    public void Values_keep_ciphertext_so_the_cache_never_holds_plaintext()
    {
        using var root = new TempConfigRoot();
        var encrypted = SecretDecryptor.EncryptSymmetric("plain", Password);
        root.Write(ConfigLayer.Local, "values.yml", $"db.password: {encrypted}");

        var yaml = Loader(root).Values.ToYaml();

        Assert.Contains(encrypted, yaml);
        Assert.DoesNotContain("plain", yaml);
    }
}
