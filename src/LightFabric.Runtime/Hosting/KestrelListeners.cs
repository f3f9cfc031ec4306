using System.Net;
using System.Security.Cryptography.X509Certificates;
using LightFabric.Runtime.Bootstrap;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LightFabric.Runtime.Hosting;

/// <summary>Maps server.yml onto Kestrel listeners.</summary>
internal static class KestrelListeners
{
    public static void Configure(KestrelServerOptions kestrel, ServerConfig server, string rootDirectory, string? ipOverride)
    {
        kestrel.AddServerHeader = false;
        var ip = ipOverride ?? server.Ip;
        if (server.EnableHttp)
        {
            Listen(kestrel, ip, server.HttpPort, null);
        }

        if (server.EnableHttps)
        {
            var certificate = LoadCertificate(server, rootDirectory);
            Listen(kestrel, ip, server.HttpsPort, listen => listen.UseHttps(certificate));
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string ip, int port, Action<ListenOptions>? configure)
    {
        configure ??= _ => { };
        switch (ip)
        {
            case "localhost":
                kestrel.ListenLocalhost(port, configure);
                break;
            case "*" or "0.0.0.0":
                kestrel.Listen(IPAddress.Any, port, configure);
                break;
            case "::":
                kestrel.Listen(IPAddress.IPv6Any, port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(ip), port, configure);
                break;
        }
    }

    private static X509Certificate2 LoadCertificate(ServerConfig server, string rootDirectory)
    {
        var certPath = Path.GetFullPath(server.TlsCertPath!, rootDirectory);
        var keyPath = Path.GetFullPath(server.TlsKeyPath!, rootDirectory);
        foreach (var (key, path) in new[] { ("tlsCertPath", certPath), ("tlsKeyPath", keyPath) })
        {
            if (!File.Exists(path))
            {
                throw new ListenerBindException($"server.yml: {key}: file '{path}' does not exist; point it at a PEM file or set enableHttps: false");
            }
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ListenerBindException(
                $"server.yml: tlsCertPath/tlsKeyPath: cannot load a certificate and private key from '{certPath}' and '{keyPath}': {ex.Message}", ex);
        }
    }
}
