namespace LightFabric.Mcp.Server;

public sealed record StreamableHttpOptions
{
    public int MaxRequestBodyBytes { get; init; } = 1_048_576;

    public int MaxJsonDepth { get; init; } = 128;

    /// <summary>Exact origins allowed; empty means this transport does not check Origin (the cors handler may).</summary>
    public IReadOnlyList<string> OriginAllowlist { get; init; } = [];

    /// <summary>How often an idle GET stream gets an SSE comment, so proxies keep it open.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public string ServerName { get; init; } = "light-gateway-mcp";
}
