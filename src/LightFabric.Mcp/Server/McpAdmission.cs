using LightFabric.Mcp.Protocol;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.Server;

/// <summary>
/// The checks every MCP HTTP entry point makes before it looks at a request (Streamable HTTP on <c>{path}</c>
/// and the legacy HTTP+SSE <c>{path}/sse</c> and <c>{path}/messages</c>), and the refusals of a session
/// that cannot be opened, so both transports admit and refuse alike.
/// </summary>
internal static class McpAdmission
{
    /// <summary>Why this request may not use the MCP endpoint (403), or null when it may.</summary>
    public static McpException? Rejection(HttpContext http, StreamableHttpOptions options)
    {
        if (!HostGuard.Allows(http, options))
        {
            return new McpException(McpErrorCodes.AccessDenied,
                $"Host '{http.Request.Host}' or Origin '{http.Request.Headers.Origin}' is not allowed (DNS-rebinding protection); " +
                "add the host to mcp-router.yml allowedHosts", httpStatus: 403);
        }

        if (options.OriginAllowlist.Count > 0 && http.Request.Headers.Origin is { Count: > 0 } origin
            && !options.OriginAllowlist.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            return new McpException(McpErrorCodes.AccessDenied,
                $"Origin {origin} is not allowed to use this MCP endpoint (mcp-router.yml originAllowlist)", httpStatus: 403);
        }

        return null;
    }

    /// <summary>The refusal for a session the store would not create: 503 when the gateway is full, 429 per client.</summary>
    public static McpException SessionLimit(SessionCreateResult result) => result switch
    {
        SessionCreateResult.StoreFull => new McpException(McpErrorCodes.ExecutionFailed,
            "The gateway has reached its MCP session limit (mcp-router.yml maxSessions); try again later", httpStatus: 503),
        SessionCreateResult.ClientLimit => new McpException(McpErrorCodes.ExecutionFailed,
            "This client already holds the maximum number of MCP sessions (mcp-router.yml maxSessionsPerClient); " +
            "end unused sessions with DELETE or wait for them to expire", httpStatus: 429),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Not a refusal"),
    };
}
