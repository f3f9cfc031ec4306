using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LightFabric.Testing;

/// <summary>A throwaway CA and a 127.0.0.1/localhost server certificate it signed, as PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates(string directory)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Light-Fabric Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        Server = signed.CopyWithPrivateKey(serverKey);

        Directory.CreateDirectory(directory);
        CaPemPath = Path.Combine(directory, "ca.pem");
        ServerCertPath = Path.Combine(directory, "server-cert.pem");
        ServerKeyPath = Path.Combine(directory, "server-key.pem");
        File.WriteAllText(CaPemPath, Ca.ExportCertificatePem());
        File.WriteAllText(ServerCertPath, Server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPath, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Ca { get; }

    /// <summary>With its private key, ready for Kestrel.</summary>
    public X509Certificate2 Server { get; }

    public string CaPemPath { get; }

    public string ServerCertPath { get; }

    public string ServerKeyPath { get; }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
