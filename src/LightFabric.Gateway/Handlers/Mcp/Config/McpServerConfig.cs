using System.Text.Json.Nodes;

namespace LightFabric.Gateway.Handlers.Mcp.Config;

/// <summary>One upstream MCP server as written (a <c>servers</c> entry or an <c>upstreams</c> value).</summary>
public sealed record McpServerConfig
{
    public string? Name { get; init; }

    /// <summary>stdio, sse or http (streamable-http).</summary>
    public string? Transport { get; init; }

    /// <summary><c>[program, args…]</c>, or the program alone with <see cref="Args"/>, as MCP client configs write it.</summary>
    public JsonNode? Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string?> Env { get; init; } = new Dictionary<string, string?>();

    public bool? InheritEnv { get; init; }

    public string? Cwd { get; init; }

    public string? Url { get; init; }

    public IReadOnlyDictionary<string, string?> Headers { get; init; } = new Dictionary<string, string?>();

    public string? Prefix { get; init; }

    public ToolFilterConfig? Tools { get; init; }

    public int? TimeoutMs { get; init; }

    public int? ConnectTimeoutMs { get; init; }

    public int? RestartDelayMs { get; init; }

    public int? MaxRestartDelayMs { get; init; }

    public int? HealthCheckIntervalMs { get; init; }

    public int? HealthCheckTimeoutMs { get; init; }

    public int? HealthCheckMisses { get; init; }

    public int? MaxMessageBytes { get; init; }

    /// <summary>Whether readiness waits for this server (default true).</summary>
    public bool? Required { get; init; }
}

/// <summary>A server's <c>tools:</c> — which of its tools are published (name patterns).</summary>
public sealed record ToolFilterConfig
{
    public IReadOnlyList<string> Include { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];
}
