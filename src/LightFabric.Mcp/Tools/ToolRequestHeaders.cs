using LightFabric.Mcp.Server;
using Microsoft.Extensions.Primitives;

namespace LightFabric.Mcp.Tools;

/// <summary>
/// Which caller headers reach an HTTP API tool: everything except hop-by-hop headers, headers the client
/// regenerates, credentials (the MCP specification forbids passing the caller's token through) and MCP
/// transport headers, which belong to the gateway's own session.
/// </summary>
public static class ToolRequestHeaders
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
        "proxy-authorization", "proxy-authenticate", "proxy-connection", "authorization", "cookie", "accept-encoding", "accept",
        "expect", "origin", "mcp-session-id", "mcp-protocol-version", "mcp-method", "mcp-name", "last-event-id",
    };

    private static bool NamedIn(StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static bool IsForwarded(string name) =>
        !Dropped.Contains(name) && !name.StartsWith("mcp-param-", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith(':');

    public static void Copy(IRequestHeaders from, HttpRequestMessage to)
    {
        // Headers the caller named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
        var connection = from["Connection"];
        foreach (var (name, values) in from)
        {
            if (IsForwarded(name) && !NamedIn(connection, name))
            {
                to.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
    }
}
