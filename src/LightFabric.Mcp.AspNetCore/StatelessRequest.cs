using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>
/// The 2026-07-28 revision's request rules: no session; <c>_meta</c> carries the protocol version and client
/// capabilities; the <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and (for named targets) <c>Mcp-Name</c>
/// headers repeat what the body says so intermediaries can route without parsing it.
/// </summary>
public static class StatelessRequest
{
    public const string VersionKey = "io.modelcontextprotocol/protocolVersion";
    public const string CapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
    public const string ClientInfoKey = "io.modelcontextprotocol/clientInfo";
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";

    /// <summary>A request without a session that names its protocol version in <c>_meta</c> or says 2026-07-28 in its header.</summary>
    public static bool Applies(HttpRequest request, IncomingMessage message)
    {
        if (request.Headers.ContainsKey(StreamableHttpEndpoint.SessionIdHeader) || request.Query.ContainsKey("sessionId"))
        {
            return false;
        }

        return message.Params?["_meta"]?[VersionKey] is not null
            || McpProtocolVersions.StatelessSupported.Contains(request.Headers[StreamableHttpEndpoint.ProtocolVersionHeader].ToString());
    }

    /// <summary>The error for a request that breaks the revision's rules, or null.</summary>
    public static McpException? Validate(HttpRequest request, IncomingMessage message)
    {
        var meta = message.Params?["_meta"] as JsonObject;
        var version = Text(meta?[VersionKey]);
        if (version is null)
        {
            return new McpException(McpErrorCodes.InvalidParams,
                $"A request without a session needs params._meta[\"{VersionKey}\"] (or initialize first)", httpStatus: 400);
        }

        if (!McpProtocolVersions.StatelessSupported.Contains(version))
        {
            return new McpException(McpErrorCodes.UnsupportedProtocolVersion,
                $"Unsupported protocol version '{version}' for a request without a session",
                new JsonObject { ["supported"] = new JsonArray(McpProtocolVersions.All.Select(v => (JsonNode)v).ToArray()), ["requested"] = version },
                httpStatus: 400);
        }

        var header = request.Headers[StreamableHttpEndpoint.ProtocolVersionHeader].ToString();
        if (header != version)
        {
            return Mismatch($"{StreamableHttpEndpoint.ProtocolVersionHeader} header '{header}' differs from _meta protocol version '{version}'");
        }

        var method = request.Headers[MethodHeader].ToString();
        if (method != message.Method)
        {
            return Mismatch($"{MethodHeader} header '{method}' differs from the method '{message.Method}'");
        }

        var target = message.Method switch
        {
            McpMethods.ToolsCall or McpMethods.PromptsGet => Text(message.Params?["name"]),
            McpMethods.ResourcesRead => Text(message.Params?["uri"]),
            _ => null,
        };
        if (target is not null && request.Headers[NameHeader].ToString() != target)
        {
            return Mismatch($"{NameHeader} header '{request.Headers[NameHeader]}' differs from '{target}' in the body");
        }

        if (meta![CapabilitiesKey] is not JsonObject)
        {
            return new McpException(McpErrorCodes.InvalidParams, $"params._meta[\"{CapabilitiesKey}\"] must be an object", httpStatus: 400);
        }

        if (meta[ClientInfoKey] is not null and not JsonObject)
        {
            return new McpException(McpErrorCodes.InvalidParams, $"params._meta[\"{ClientInfoKey}\"] must be an object", httpStatus: 400);
        }

        return message.Method is McpMethods.Ping or McpMethods.SetLevel or McpMethods.ResourcesSubscribe or McpMethods.ResourcesUnsubscribe
            ? new McpException(McpErrorCodes.MethodNotFound, $"{message.Method} does not exist in protocol revision {version}")
            : null;
    }

    private static McpException Mismatch(string detail) => new(McpErrorCodes.HeaderMismatch, "Header mismatch: " + detail, httpStatus: 400);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
