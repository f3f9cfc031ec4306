
namespace LightFabric.Mcp.Catalog;

/// <summary>Where a published tool's calls go.</summary>
public abstract record ToolTarget;

/// <summary>A tool from the <c>tools:</c> list (HTTP API or MCP backend by URL).</summary>
public sealed record ConfiguredToolTarget(ConfiguredTool Tool) : ToolTarget;

/// <summary>A tool of an aggregated upstream server, called there by its original name.</summary>
public sealed record UpstreamToolTarget(string Server, string ToolName) : ToolTarget;
