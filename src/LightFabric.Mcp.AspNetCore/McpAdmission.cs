using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

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

    /// <summary>
    /// Why a POST body may not be read as an MCP message (415), or null: the media type must be application/json and
    /// a charset, when named, UTF-8 (the only encoding of MCP messages; no charset means UTF-8 for JSON).
    /// </summary>
    public static McpException? ContentTypeRejection(string? contentType)
    {
        var parts = (contentType ?? "").Split(';');
        if (!parts[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return new McpException(McpErrorCodes.InvalidRequest, "Content-Type must be application/json", httpStatus: 415);
        }

        foreach (var parameter in parts.Skip(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var charset = parameter[(equals + 1)..].Trim().Trim('"');
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                return new McpException(McpErrorCodes.InvalidRequest,
                    $"Content-Type charset '{charset}' is not accepted: MCP messages are UTF-8; send charset=utf-8 or no charset", httpStatus: 415);
            }
        }

        return null;
    }

    /// <summary>
    /// Why a request of this session may not go on (400), or null: an <c>MCP-Protocol-Version</c> header must name a
    /// supported revision and the one the session negotiated; without the header the negotiated one is assumed.
    /// 2025-03-26 is accepted like an absent header: it is what the specification assumes when a client does not say,
    /// and clients that do not track the negotiated version (the official conformance suite among them) send it.
    /// </summary>
    public static McpException? ProtocolVersionRejection(HttpRequest request, McpSession session)
    {
        if (request.Headers[StreamableHttpEndpoint.ProtocolVersionHeader] is not { Count: > 0 } header)
        {
            return null;
        }

        var version = header.ToString();
        if (!McpProtocolVersions.IsSupported(version))
        {
            return new McpException(McpErrorCodes.InvalidRequest,
                $"Unsupported {StreamableHttpEndpoint.ProtocolVersionHeader} '{version}'; supported: {string.Join(", ", McpProtocolVersions.Supported)}",
                httpStatus: 400);
        }

        return version == session.ProtocolVersion || version == McpProtocolVersions.AssumedWithoutHeader
            ? null
            : new McpException(McpErrorCodes.InvalidRequest,
                $"{StreamableHttpEndpoint.ProtocolVersionHeader} '{version}' differs from '{session.ProtocolVersion}', the version this session " +
                $"negotiated at initialize; send '{session.ProtocolVersion}' (or initialize again for another version)", httpStatus: 400);
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
