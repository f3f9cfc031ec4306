namespace LightFabric.Mcp.Catalog;

/// <summary>
/// The policy key of a tool: a configured tool's <c>endpoint</c> (default <c>{path}@{method}</c>); for a tool of an
/// aggregated server <c>/mcp/{server}/{tool}@call</c>, so a rule on <c>/mcp/{server}@call</c> covers all its tools
/// (parent-path lookup).
/// </summary>
public static class ToolEndpoints
{
    public static string For(CatalogTool tool) => tool.Target switch
    {
        ConfiguredToolTarget configured => configured.Tool.Endpoint,
        UpstreamToolTarget upstream => $"/mcp/{upstream.Server}/{upstream.ToolName}@call",
        _ => tool.Name + "@call",
    };
}
