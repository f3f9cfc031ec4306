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

/// <summary>How names of aggregated upstream tools are made unique.</summary>
public enum ToolPrefixMode
{
    /// <summary>Every upstream tool is published as <c>{prefix}_{tool}</c>.</summary>
    Always,

    /// <summary>Only tools whose names collide are prefixed (the default).</summary>
    Conditional,

    /// <summary>Names are published as they are; a collision is an error.</summary>
    Never,
}

/// <summary>One <c>servers:</c> entry: the connection settings plus how its tools are published.</summary>
/// <param name="Required">
/// Whether startup (and a reload) waits for its first tool list, up to <see cref="McpRouterSettings.UpstreamStartupWait"/>,
/// before turning ready; the tools of one that is not required join the catalog when it lists them.
/// </param>
public sealed record UpstreamServerEntry(UpstreamServerSettings Settings, string Prefix, ToolNameFilter Filter, bool Required = true);

/// <summary>One configured upstream server of a router generation as readiness reports it.</summary>
/// <param name="Reason">Why it is down or stopped; null while starting or up.</param>
/// <param name="StartupWaitEndsAt">While activation still waits for this (required) server: when the wait runs out.</param>
public sealed record UpstreamReadiness(string Name, bool Required, UpstreamStatus Status, string? Reason, DateTimeOffset? StartupWaitEndsAt);

public enum ConfiguredToolKind
{
    /// <summary>An HTTP API endpoint presented as a tool.</summary>
    Http,

    /// <summary>A tool of an MCP backend reached by URL, with a backend session per gateway session.</summary>
    Mcp,
}

/// <summary>One <c>tools:</c> entry of mcp-router.yml.</summary>
public sealed record ConfiguredTool
{
    public required string Name { get; init; }

    /// <summary>The backend's own name for the tool (apiType mcp); defaults to <see cref="Name"/>.</summary>
    public string? EndpointName { get; init; }

    public string? Description { get; init; }

    public ConfiguredToolKind Kind { get; init; } = ConfiguredToolKind.Http;

    /// <summary>Base URL of the backend.</summary>
    public required Uri TargetHost { get; init; }

    /// <summary>Path under the base, with <c>{param}</c> placeholders filled from arguments.</summary>
    public required string Path { get; init; }

    /// <summary>GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (CALL resolved at load).</summary>
    public string Method { get; init; } = "POST";

    /// <summary>Policy key; <c>{path}@{method}</c> when not configured.</summary>
    public required string Endpoint { get; init; }

    /// <summary>
    /// Bounds the schemas are compiled and checked with (mcp-router.yml <c>schemaValidation</c>). Set it before the
    /// schemas to compile them once; set after them (or in a <c>with</c>) it compiles them again.
    /// </summary>
    public JsonSchema.JsonSchemaOptions SchemaOptions
    {
        get => _schemaOptions;
        init
        {
            _schemaOptions = value;
            if (_inputSchema is not null)
            {
                (InputValidator, InputSchemaProblem) = CompileSchema(_inputSchema, value);
            }

            if (_outputSchema is not null)
            {
                (OutputValidator, OutputSchemaProblem) = CompileSchema(_outputSchema, value);
            }
        }
    }

    private readonly JsonSchema.JsonSchemaOptions _schemaOptions = JsonSchema.JsonSchemaOptions.Default;

    public required JsonObject InputSchema
    {
        get => _inputSchema!;
        init
        {
            _inputSchema = value;
            MasksArguments = Tools.ArgumentMasker.UsesMasking(value);
            (InputValidator, InputSchemaProblem) = CompileSchema(value, _schemaOptions);
        }
    }

    private readonly JsonObject? _inputSchema;

    /// <summary>The input schema compiled at load; null when it does not compile (<see cref="InputSchemaProblem"/> says why).</summary>
    public JsonSchema.JsonSchema? InputValidator { get; private init; }

    public string? InputSchemaProblem { get; private init; }

    /// <summary>Whether the input schema uses x-mask or x-mask-pattern (decided once, at load).</summary>
    public bool MasksArguments { get; private init; }

    public JsonObject? OutputSchema
    {
        get => _outputSchema;
        init
        {
            _outputSchema = value;
            (OutputValidator, OutputSchemaProblem) = value is null ? (null, null) : CompileSchema(value, _schemaOptions);
        }
    }

    private readonly JsonObject? _outputSchema;

    /// <summary>The output schema compiled at load; null when there is none or it does not compile.</summary>
    public JsonSchema.JsonSchema? OutputValidator { get; private init; }

    public string? OutputSchemaProblem { get; private init; }

    public JsonObject? ToolMetadata { get; init; }

    public string? ServiceId { get; init; }

    public string? EnvTag { get; init; }

    public string? Protocol { get; init; }

    private static (JsonSchema.JsonSchema? Validator, string? Problem) CompileSchema(JsonObject schema, JsonSchema.JsonSchemaOptions options) =>
        JsonSchema.JsonSchema.TryCompile(schema, out var validator, out var problem, options) ? (validator, null) : (null, problem);
}
