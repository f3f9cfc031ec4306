namespace LightFabric.Runtime.Bootstrap;

/// <summary><c>server.yml</c>: listeners, identity and shutdown behaviour.</summary>
public sealed record ServerConfig
{
    public string Ip { get; init; } = "0.0.0.0";
    public string AdvertisedAddress { get; init; } = "127.0.0.1";
    public int HttpPort { get; init; } = 8080;
    public bool EnableHttp { get; init; } = true;
    public int HttpsPort { get; init; } = 8443;
    public bool EnableHttps { get; init; }
    public string? TlsCertPath { get; init; }
    public string? TlsKeyPath { get; init; }
    public string ServiceId { get; init; } = "com.networknt.light-gateway-1.0.0";
    public bool EnableRegistry { get; init; } = true;
    public bool StartOnRegistryFailure { get; init; } = true;
    public bool DynamicPort { get; init; }
    public string Environment { get; init; } = "dev";

    /// <summary>Milliseconds in-flight requests get to finish after SIGTERM.</summary>
    public int ShutdownGracefulPeriod { get; init; } = 2000;

    /// <summary>
    /// Milliseconds between SIGTERM and draining: <c>/health/ready</c> answers 503 while the listeners still accept, so a
    /// load balancer stops sending before connections are refused.
    /// </summary>
    public int PreStopDelayMs { get; init; } = 5000;

    public IEnumerable<string> Validate()
    {
        if (!EnableHttp && !EnableHttps)
        {
            yield return "server.yml: enableHttp and enableHttps are both false; enable at least one listener";
        }

        if (EnableHttp && HttpPort is < 0 or > 65535)
        {
            yield return $"server.yml: httpPort: {HttpPort} is not a port number (0-65535)";
        }

        if (EnableHttps && HttpsPort is < 0 or > 65535)
        {
            yield return $"server.yml: httpsPort: {HttpsPort} is not a port number (0-65535)";
        }

        if (EnableHttps && (string.IsNullOrWhiteSpace(TlsCertPath) || string.IsNullOrWhiteSpace(TlsKeyPath)))
        {
            yield return "server.yml: enableHttps is true but tlsCertPath or tlsKeyPath is empty; set both to PEM files";
        }

        if (!System.Net.IPAddress.TryParse(Ip, out _) && Ip is not ("localhost" or "*"))
        {
            yield return $"server.yml: ip: '{Ip}' is not an IP address; use 0.0.0.0 for every interface or 127.0.0.1 for loopback";
        }

        if (ShutdownGracefulPeriod < 0)
        {
            yield return $"server.yml: shutdownGracefulPeriod: {ShutdownGracefulPeriod} must be zero or more milliseconds";
        }

        if (PreStopDelayMs < 0)
        {
            yield return $"server.yml: preStopDelayMs: {PreStopDelayMs} must be zero or more milliseconds";
        }
    }
}
