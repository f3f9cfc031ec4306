namespace LightFabric.Runtime.Bootstrap;

/// <summary><c>startup.yml</c>: who this instance is and where config-server lives.</summary>
public sealed record StartupConfig
{
    public string Host { get; init; } = "";
    public string ServiceId { get; init; } = "";
    public string EnvTag { get; init; } = "";
    public string AcceptHeader { get; init; } = "application/yaml";
    public int Timeout { get; init; } = 3000;
    public int ConnectTimeout { get; init; } = 3000;
    public string? ConfigServerUri { get; init; }
    public string? Authorization { get; init; }
    public string? BootstrapCaCertPath { get; init; }
    public string? ProductId { get; init; }
    public string? ProductVersion { get; init; }
    public string? ApiId { get; init; }
    public string? ApiVersion { get; init; }

    /// <summary>Where downloaded configuration is cached; default <c>config-cache</c> beside <c>config</c>.</summary>
    public string? ExternalConfigDir { get; init; }

    public bool HasConfigServer => !string.IsNullOrWhiteSpace(ConfigServerUri);
}
