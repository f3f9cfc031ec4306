namespace LightFabric.Mcp.Routing;

/// <summary>Problems that keep a router from starting (e.g. tool names two servers publish).</summary>
public sealed class McpConfigurationException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
