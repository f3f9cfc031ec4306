namespace LightFabric.Runtime.Bootstrap;

/// <summary>The part of <c>client.yml</c> the runtime needs before anything else: outbound TLS trust.</summary>
public sealed record ClientConfig
{
    public ClientTlsConfig Tls { get; init; } = new();
}

public sealed record ClientTlsConfig
{
    public string? CaCertPath { get; init; }
    public bool VerifyHostname { get; init; } = true;
}
