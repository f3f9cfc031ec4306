using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LightFabric.Config;

/// <summary>
/// Decrypts <c>CRYPT:</c> configuration values, compatible with light-4j and the Rust light-fabric:
/// <list type="bullet">
/// <item><c>CRYPT:&lt;hexSalt&gt;:&lt;hexCipher&gt;</c> — AES-256-CBC, key = PBKDF2-HMAC-SHA256(password, salt, 65536, 32 bytes), zero IV, PKCS7.</item>
/// <item><c>CRYPT:RSA:&lt;base64&gt;</c> — RSA-OAEP-SHA256 with a PKCS#8 or PKCS#1 PEM private key.</item>
/// </list>
/// Unlike the Rust runtime, a value that cannot be decrypted is an error, never passed on as ciphertext.
/// </summary>
public sealed class SecretDecryptor
{
    public const string Prefix = "CRYPT:";
    public const string RsaPrefix = "CRYPT:RSA:";
    public const string PasswordVariable = "light_4j_config_password";
    public const string PrivateKeyVariable = "light_4j_config_private_key";
    public const string PrivateKeyPathVariable = "light_4j_config_private_key_path";

    private const int Iterations = 65536;
    private const int KeySize = 32;
    private const int SaltSize = 16;
    private static readonly byte[] ZeroIv = new byte[16];

    private readonly string? _password;
    private readonly Lazy<RSA?> _rsa;
    private readonly string? _rsaKeyOrigin;
    private readonly string? _rsaKeyLoadError;

    // PBKDF2 at 65536 iterations costs tens of milliseconds; files commonly reuse one salt.
    private readonly ConcurrentDictionary<string, byte[]> _keysBySalt = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _rsaLock = new();

    public SecretDecryptor(string? password, string? rsaPrivateKeyPem)
        : this(password, rsaPrivateKeyPem, rsaPrivateKeyPem is null ? null : "the configured private key", null)
    {
    }

    private SecretDecryptor(string? password, string? rsaPrivateKeyPem, string? rsaKeyOrigin, string? rsaKeyLoadError)
    {
        _password = string.IsNullOrEmpty(password) ? null : password;
        _rsaKeyOrigin = rsaKeyOrigin;
        _rsaKeyLoadError = rsaKeyLoadError;
        _rsa = new Lazy<RSA?>(() => LoadPrivateKey(rsaPrivateKeyPem));
    }

    /// <summary>
    /// Password from <c>light_4j_config_password</c> (read verbatim). RSA private key PEM from
    /// <c>light_4j_config_private_key</c>, or from the file named by <c>light_4j_config_private_key_path</c>.
    /// Upper-case variable names are accepted as a fallback.
    /// </summary>
    public static SecretDecryptor FromEnvironment(IEnvironmentReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var password = Read(env, PasswordVariable);
        var pem = Read(env, PrivateKeyVariable);
        if (!string.IsNullOrWhiteSpace(pem))
        {
            // A PEM squeezed into one env line usually carries literal "\n" sequences.
            if (!pem.Contains('\n'))
            {
                pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
            }

            return new SecretDecryptor(password, pem, $"environment variable {PrivateKeyVariable}", null);
        }

        var path = Read(env, PrivateKeyPathVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return new SecretDecryptor(password, null, null, null);
        }

        try
        {
            return new SecretDecryptor(password, File.ReadAllText(path), $"file {path} ({PrivateKeyPathVariable})", null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only an error if a CRYPT:RSA: value actually needs the key.
            return new SecretDecryptor(password, null, null,
                $"the private key file '{path}' named by {PrivateKeyPathVariable} cannot be read ({ex.Message})");
        }
    }

    public static bool IsEncrypted(string value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Decrypts one value. <paramref name="location"/> names where it was found, e.g. "server.yml: tlsKeyPassword".</summary>
    public string Decrypt(string value, string location)
    {
        try
        {
            return Decrypt(value);
        }
        catch (SecretDecryptionException ex)
        {
            throw new ConfigException($"{location}: encrypted value {ex.Reason}");
        }
    }

    /// <summary>Decrypts or throws <see cref="SecretDecryptionException"/> carrying the reason, without location.</summary>
    internal string Decrypt(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsEncrypted(value))
        {
            return value;
        }

        return value.StartsWith(RsaPrefix, StringComparison.Ordinal)
            ? DecryptRsa(value[RsaPrefix.Length..])
            : DecryptSymmetric(value);
    }

    /// <summary>Encrypts for <c>CRYPT:&lt;hexSalt&gt;:&lt;hexCipher&gt;</c> with a random salt.</summary>
    public static string EncryptSymmetric(string plain, string password) =>
        EncryptSymmetric(plain, password, RandomNumberGenerator.GetBytes(SaltSize));

    internal static string EncryptSymmetric(string plain, string password, byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentException.ThrowIfNullOrEmpty(password);
        using var aes = Aes.Create();
        aes.Key = DeriveKey(password, salt);
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(plain), ZeroIv, PaddingMode.PKCS7);
        return $"{Prefix}{Convert.ToHexStringLower(salt)}:{Convert.ToHexStringLower(cipher)}";
    }

    /// <summary>Encrypts for <c>CRYPT:RSA:&lt;base64&gt;</c> with a public key PEM (a private key PEM also works).</summary>
    public static string EncryptRsa(string plain, string publicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyPem);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return RsaPrefix + Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(plain), RSAEncryptionPadding.OaepSHA256));
    }

    private string DecryptSymmetric(string value)
    {
        var parts = value.Split(':');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            throw Failure("is not a valid encrypted value; expected CRYPT:<hexSalt>:<hexCipher> or CRYPT:RSA:<base64>");
        }

        if (_password is null)
        {
            throw Failure($"is encrypted but no password is configured; set the environment variable {PasswordVariable} to the password the value was encrypted with");
        }

        byte[] salt, cipher;
        try
        {
            salt = Convert.FromHexString(parts[1]);
            cipher = Convert.FromHexString(parts[2]);
        }
        catch (FormatException)
        {
            throw Failure("is not a valid encrypted value; the salt and cipher text must be hexadecimal (CRYPT:<hexSalt>:<hexCipher>)");
        }

        try
        {
            using var aes = Aes.Create();
            aes.Key = _keysBySalt.GetOrAdd(parts[1], _ => DeriveKey(_password, salt));
            var plain = aes.DecryptCbc(cipher, ZeroIv, PaddingMode.PKCS7);
            return StrictUtf8.GetString(plain);
        }
        catch (Exception ex) when (ex is CryptographicException or DecoderFallbackException)
        {
            throw Failure($"cannot be decrypted: the password in {PasswordVariable} is wrong or the value is damaged; re-encrypt the value or fix the password");
        }
    }

    private string DecryptRsa(string base64)
    {
        if (_rsaKeyLoadError is not null)
        {
            throw Failure($"is RSA-encrypted but {_rsaKeyLoadError}");
        }

        RSA? rsa;
        try
        {
            rsa = _rsa.Value;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw Failure($"is RSA-encrypted but {_rsaKeyOrigin} is not a valid PKCS#8 or PKCS#1 PEM private key");
        }

        if (rsa is null)
        {
            throw Failure($"is RSA-encrypted but no private key is configured; set {PrivateKeyVariable} to the PEM text or {PrivateKeyPathVariable} to a PEM file");
        }

        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Failure("is not a valid encrypted value; expected CRYPT:RSA:<standard base64>");
        }

        try
        {
            byte[] plain;
            lock (_rsaLock)
            {
                plain = rsa.Decrypt(cipher, RSAEncryptionPadding.OaepSHA256);
            }

            return StrictUtf8.GetString(plain);
        }
        catch (Exception ex) when (ex is CryptographicException or DecoderFallbackException)
        {
            throw Failure($"cannot be decrypted with {_rsaKeyOrigin}: the value was encrypted for a different key or is damaged; re-encrypt it with the matching public key");
        }
    }

    private static RSA? LoadPrivateKey(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            // ImportFromPem reads both "PRIVATE KEY" (PKCS#8) and "RSA PRIVATE KEY" (PKCS#1).
            rsa.ImportFromPem(pem);
            if (!HasPrivateKey(rsa))
            {
                throw new CryptographicException("the PEM holds no private key");
            }

            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static bool HasPrivateKey(RSA rsa)
    {
        try
        {
            rsa.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static byte[] DeriveKey(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, KeySize);

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static string? Read(IEnvironmentReader env, string name) =>
        env.Get(name) ?? env.Get(name.ToUpperInvariant());

    private static SecretDecryptionException Failure(string reason) => new(reason);
}

/// <summary>Why a value could not be decrypted; the caller adds where it was.</summary>
internal sealed class SecretDecryptionException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
