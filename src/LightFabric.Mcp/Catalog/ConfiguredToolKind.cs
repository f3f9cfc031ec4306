namespace LightFabric.Mcp.Catalog;

/// <summary>What a <c>tools:</c> entry of mcp-router.yml reaches.</summary>
public enum ConfiguredToolKind
{
    /// <summary>An HTTP API endpoint presented as a tool.</summary>
    Http,

    /// <summary>A tool of an MCP backend reached by URL, with a backend session per gateway session.</summary>
    Mcp,
}
