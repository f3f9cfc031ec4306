namespace LightFabric.Config.ConfigServer;

/// <summary>Who is asking config-server for configuration, and how to reach it (from startup.yml).</summary>
public sealed record ConfigServerRequest
{
    public required Uri BaseUri { get; init; }
    public required string Host { get; init; }
    public required string ServiceId { get; init; }
    public required string EnvTag { get; init; }
    public string? ProductId { get; init; }
    public string? ProductVersion { get; init; }
    public string? ApiId { get; init; }
    public string? ApiVersion { get; init; }
    public string AcceptHeader { get; init; } = "application/yaml";

    /// <summary>Already normalized (<see cref="AuthorizationHeader.Normalize"/>); never logged.</summary>
    public string? Authorization { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>PEM bundle of CAs to trust; null or a missing file means the system trust store.</summary>
    public string? CaCertPath { get; init; }

    public bool VerifyHostname { get; init; } = true;

    public string QueryString()
    {
        var pairs = new List<(string, string?)>
        {
            ("host", Host),
            ("serviceId", ServiceId),
            ("productId", ProductId),
            ("productVersion", ProductVersion),
            ("apiId", ApiId),
            ("apiVersion", ApiVersion),
            ("envTag", EnvTag),
        };
        return string.Join('&', pairs
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
    }
}
