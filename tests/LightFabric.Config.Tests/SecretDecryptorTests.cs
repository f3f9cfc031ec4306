using System.Security.Cryptography;
using LightFabric.Config;

namespace LightFabric.Config.Tests;

public class SecretDecryptorTests
{
    // Computed independently (PBKDF2-HMAC-SHA256 65536 rounds, AES-256-CBC, zero IV) from the
    // light-4j/Rust test vector: salt ebfab3ef4261185776a026acf72d24ee, password "light", plaintext "secret".
    private const string SeedVector = "CRYPT:ebfab3ef4261185776a026acf72d24ee:0c709ae8187fe8e9c0081d2c1f81f928";

    [Fact]
    public void Seed_test_vector_decrypts()
    {
        Assert.Equal("secret", new SecretDecryptor("light", null).Decrypt(SeedVector, "values.yml: db.password"));
    }

    [Fact]
    public void Encrypting_with_the_seed_salt_reproduces_the_seed_vector()
    {
        var salt = Convert.FromHexString("ebfab3ef4261185776a026acf72d24ee");

        Assert.Equal(SeedVector, SecretDecryptor.EncryptSymmetric("secret", "light", salt));
    }

    [Fact]
    public void Symmetric_round_trip_uses_a_fresh_salt_each_time()
    {
        var first = SecretDecryptor.EncryptSymmetric("pässwörd with : colons", "p@ss");
        var second = SecretDecryptor.EncryptSymmetric("pässwörd with : colons", "p@ss");

        Assert.NotEqual(first, second);
        Assert.Matches("^CRYPT:[0-9a-f]{32}:[0-9a-f]+$", first);
        var decryptor = new SecretDecryptor("p@ss", null);
        Assert.Equal("pässwörd with : colons", decryptor.Decrypt(first, "x"));
        Assert.Equal("pässwörd with : colons", decryptor.Decrypt(second, "x"));
    }

    [Fact]
    public void Wrong_password_is_a_clear_error_naming_the_location()
    {
        var ex = Assert.Throws<ConfigException>(() => new SecretDecryptor("not-light", null).Decrypt(SeedVector, "server.yml: tlsKeyPassword"));

        Assert.Contains("server.yml: tlsKeyPassword", ex.Message);
        Assert.Contains("light_4j_config_password", ex.Message);
        Assert.DoesNotContain("secret", ex.Message.Replace("encrypted", ""), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_password_is_a_clear_error()
    {
        var ex = Assert.Throws<ConfigException>(() => SecretDecryptor.FromEnvironment(Env.None).Decrypt(SeedVector, "values.yml: db.password"));

        Assert.Contains("no password is configured", ex.Message);
        Assert.Contains("light_4j_config_password", ex.Message);
    }

    [Theory]
    [InlineData("CRYPT:onlyonepart")]
    [InlineData("CRYPT:zz:00")]
    [InlineData("CRYPT:ab:cd:ef")]
    [InlineData("CRYPT:RSA:not base64!")]
    public void Malformed_values_are_errors(string value)
    {
        var pem = RSA.Create(2048).ExportPkcs8PrivateKeyPem();

        Assert.Throws<ConfigException>(() => new SecretDecryptor("light", pem).Decrypt(value, "x.yml: k"));
    }

    [Fact]
    public void Password_is_read_verbatim_from_the_environment()
    {
        var encrypted = SecretDecryptor.EncryptSymmetric("v", " padded ");

        Assert.Equal("v", SecretDecryptor.FromEnvironment(Env.Of(("light_4j_config_password", " padded "))).Decrypt(encrypted, "x"));
        Assert.Throws<ConfigException>(() => SecretDecryptor.FromEnvironment(Env.Of(("light_4j_config_password", "padded"))).Decrypt(encrypted, "x"));
    }

    [Fact]
    public void Rsa_round_trip_with_pkcs8_key()
    {
        using var rsa = RSA.Create(2048);
        var encrypted = SecretDecryptor.EncryptRsa("rsa secret", rsa.ExportSubjectPublicKeyInfoPem());

        Assert.StartsWith("CRYPT:RSA:", encrypted);
        Assert.Equal("rsa secret", new SecretDecryptor(null, rsa.ExportPkcs8PrivateKeyPem()).Decrypt(encrypted, "x"));
    }

    [Fact]
    public void Rsa_round_trip_with_pkcs1_key_from_the_environment()
    {
        using var rsa = RSA.Create(2048);
        var encrypted = SecretDecryptor.EncryptRsa("rsa secret", rsa.ExportRSAPublicKeyPem());
        var env = Env.Of(("light_4j_config_private_key", rsa.ExportRSAPrivateKeyPem()));

        Assert.Equal("rsa secret", SecretDecryptor.FromEnvironment(env).Decrypt(encrypted, "x"));
    }

    [Fact]
    public void Rsa_key_may_be_a_single_line_with_escaped_newlines()
    {
        using var rsa = RSA.Create(2048);
        var encrypted = SecretDecryptor.EncryptRsa("one line", rsa.ExportSubjectPublicKeyInfoPem());
        var oneLine = rsa.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n");

        Assert.Equal("one line", SecretDecryptor.FromEnvironment(Env.Of(("light_4j_config_private_key", oneLine))).Decrypt(encrypted, "x"));
    }

    [Fact]
    public void Rsa_key_may_come_from_a_file()
    {
        using var rsa = RSA.Create(2048);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            var encrypted = SecretDecryptor.EncryptRsa("from file", rsa.ExportSubjectPublicKeyInfoPem());

            var decryptor = SecretDecryptor.FromEnvironment(Env.Of(("light_4j_config_private_key_path", path)));

            Assert.Equal("from file", decryptor.Decrypt(encrypted, "x"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rsa_problems_are_clear_errors()
    {
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var encrypted = SecretDecryptor.EncryptRsa("x", rsa.ExportSubjectPublicKeyInfoPem());

        var noKey = Assert.Throws<ConfigException>(() => new SecretDecryptor(null, null).Decrypt(encrypted, "a.yml: k"));
        Assert.Contains("light_4j_config_private_key", noKey.Message);

        var wrongKey = Assert.Throws<ConfigException>(() => new SecretDecryptor(null, other.ExportPkcs8PrivateKeyPem()).Decrypt(encrypted, "a.yml: k"));
        Assert.Contains("different key", wrongKey.Message);

        var badPem = Assert.Throws<ConfigException>(() => new SecretDecryptor(null, "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----").Decrypt(encrypted, "a.yml: k"));
        Assert.Contains("not a valid", badPem.Message);

        var publicOnly = Assert.Throws<ConfigException>(() => new SecretDecryptor(null, rsa.ExportSubjectPublicKeyInfoPem()).Decrypt(encrypted, "a.yml: k"));
        Assert.Contains("not a valid", publicOnly.Message);

        var missingFile = Assert.Throws<ConfigException>(() =>
            SecretDecryptor.FromEnvironment(Env.Of(("light_4j_config_private_key_path", "/nonexistent/key.pem"))).Decrypt(encrypted, "a.yml: k"));
        Assert.Contains("/nonexistent/key.pem", missingFile.Message);
    }

    [Fact]
    public void Plain_values_pass_through()
    {
        Assert.False(SecretDecryptor.IsEncrypted("crypt:lowercase"));
        Assert.Equal("plain", new SecretDecryptor(null, null).Decrypt("plain", "x"));
    }
}
