namespace LightFabric.Mcp.Protocol;

/// <summary>JSON-RPC error codes the gateway answers with (the seed's table).</summary>
public static class McpErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>Tool execution failed: upstream error, upstream down, timeout, non-2xx from an HTTP API.</summary>
    public const int ExecutionFailed = -32000;

    /// <summary>Access denied (policy, principal mismatch, origin).</summary>
    public const int AccessDenied = -32001;
}
