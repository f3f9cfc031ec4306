namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>values.yml fragments for gateways that serve MCP in tests.</summary>
internal static class McpGatewayConfig
{
    public const string Chains = """
        handler.handlers: [mcp]
        handler.paths:
          - {path: /mcp, method: POST, exec: [mcp]}
          - {path: /mcp, method: GET, exec: [mcp]}
          - {path: /mcp, method: DELETE, exec: [mcp]}
          - {path: /mcp, method: PUT, exec: [mcp]}
          - {path: /mcp/sse, method: GET, exec: [mcp]}
          - {path: /mcp/messages, method: POST, exec: [mcp]}
        """;

    public static string With(string mcpRouterValues) => Chains + "\n" + mcpRouterValues;
}
