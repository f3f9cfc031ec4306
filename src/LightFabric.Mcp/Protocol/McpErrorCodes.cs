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

    /// <summary>2026-07-28: an HTTP routing header disagrees with the body.</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>2026-07-28: the request needs a client capability the request did not declare.</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>2026-07-28: the request's protocol version is not one the server speaks.</summary>
    public const int UnsupportedProtocolVersion = -32022;

    /// <summary>Access denied (policy, principal mismatch, origin).</summary>
    public const int AccessDenied = -32001;
}
