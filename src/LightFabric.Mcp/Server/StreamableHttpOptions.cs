namespace LightFabric.Mcp.Server;

public sealed record StreamableHttpOptions
{
    public int MaxRequestBodyBytes { get; init; } = 1_048_576;

    public int MaxJsonDepth { get; init; } = 128;

    /// <summary>Exact origins allowed; empty means this transport does not check Origin (the cors handler may).</summary>
    public IReadOnlyList<string> OriginAllowlist { get; init; } = [];

    /// <summary>Serve 2026-07-28 requests without a session (server/discover, per-request _meta).</summary>
    public bool StatelessEnabled { get; init; } = true;

    /// <summary>Whether Host and Origin must name this machine or an allowed host (DNS-rebinding protection).</summary>
    public DnsRebindingProtection DnsRebindingProtection { get; init; } = DnsRebindingProtection.Auto;

    /// <summary>Host names (optionally with :port) accepted besides localhost, 127.0.0.1 and [::1].</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>How often an idle GET stream gets an SSE comment, so proxies keep it open.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public string ServerName { get; init; } = "light-gateway-mcp";
}

public enum DnsRebindingProtection
{
    /// <summary>On for requests that arrive on a loopback address (a local server a web page could reach), off otherwise.</summary>
    Auto,
    On,
    Off,
}
