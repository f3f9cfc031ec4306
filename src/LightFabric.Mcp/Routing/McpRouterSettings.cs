using System.Text.Json.Nodes;
using LightFabric.Mcp.Catalog;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Routing;

/// <summary>mcp-router.yml, validated. Immutable; a reload produces a new instance.</summary>
public sealed record McpRouterSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>The one public MCP path (Streamable HTTP).</summary>
    public string Path { get; init; } = "/mcp";

    public int MaxSessions { get; init; } = 10_000;

    public int MaxSessionsPerClient { get; init; } = 100;

    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public int MaxRequestBodyBytes { get; init; } = 1_048_576;

    public int MaxResponseBodyBytes { get; init; } = 4_194_304;

    public int MaxJsonDepth { get; init; } = 128;

    /// <summary>Exact origins allowed to call /mcp; a request with any other Origin gets 403. Empty: no check here.</summary>
    public IReadOnlyList<string> OriginAllowlist { get; init; } = [];

    /// <summary><c>protocols.stateless.enabled</c>: serve the 2026-07-28 revision (server/discover, no sessions).</summary>
    public bool StatelessEnabled { get; init; } = true;

    /// <summary>DNS-rebinding protection of /mcp: auto (on for loopback listeners), on or off.</summary>
    public Server.DnsRebindingProtection DnsRebindingProtection { get; init; } = Server.DnsRebindingProtection.Auto;

    /// <summary>Host names accepted in Host/Origin besides this machine's, when the protection is on.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>
    /// Proxies whose <c>Forwarded</c> / <c>X-Forwarded-For</c> headers name the client of an anonymous caller (its
    /// session binding and per-client count); from any other peer those headers are ignored. Empty: none.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>tools/list page size; a longer catalog is paged with nextCursor.</summary>
    public int ToolsPageSize { get; init; } = 100;

    /// <summary>How long startup and reload wait for upstream servers' first tools/list.</summary>
    public TimeSpan UpstreamStartupWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP API tool call.</summary>
    public TimeSpan HttpToolTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public ToolPrefixMode PrefixMode { get; init; } = ToolPrefixMode.Conditional;

    /// <summary><c>schemaValidation:</c> bounds of compiling and checking configured tools' input and output schemas.</summary>
    public JsonSchema.JsonSchemaOptions SchemaValidation { get; init; } = JsonSchema.JsonSchemaOptions.Default;

    public IReadOnlyList<ConfiguredTool> Tools { get; init; } = [];

    public IReadOnlyList<UpstreamServerEntry> Servers { get; init; } = [];
}

/// <summary>One configured upstream server of a router generation as readiness reports it.</summary>
/// <param name="Reason">Why it is down or stopped; null while starting or up.</param>
/// <param name="StartupWaitEndsAt">While activation still waits for this (required) server: when the wait runs out.</param>
public sealed record UpstreamReadiness(string Name, bool Required, UpstreamStatus Status, string? Reason, DateTimeOffset? StartupWaitEndsAt);
