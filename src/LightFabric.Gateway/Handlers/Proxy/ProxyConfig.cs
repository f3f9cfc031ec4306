namespace LightFabric.Gateway.Handlers.Proxy;

/// <summary>proxy.yml as written; <see cref="ProxySettings"/> is the validated form the handler runs on.</summary>
public sealed record ProxyConfig
{
    /// <summary>Every key proxy.yml may hold; anything else is reported, since a misspelt key would silently keep a default.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "enabled", "http2Enabled", "hosts", "connectionsPerThread", "maxRequestTime", "rewriteHostHeader",
        "reuseXForwarded", "maxConnectionRetries", "maxQueueSize", "forwardJwtClaims", "metricsInjection", "metricsName",
    ];

    public bool Enabled { get; init; } = true;
    public bool Http2Enabled { get; init; }
    public IReadOnlyList<string> Hosts { get; init; } = [];
    public int ConnectionsPerThread { get; init; } = 20;
    public int MaxRequestTime { get; init; } = 1000;
    public bool RewriteHostHeader { get; init; } = true;
    public bool ReuseXForwarded { get; init; }
    public int MaxConnectionRetries { get; init; } = 3;
    public int MaxQueueSize { get; init; }
    public bool ForwardJwtClaims { get; init; }
    public bool MetricsInjection { get; init; }
    public string MetricsName { get; init; } = "proxy-response";
}
