using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using McpException = LightFabric.Mcp.Protocol.McpException;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// Serializes a message before it is handed to a transport. A message that cannot be written (e.g. a string with a
/// lone UTF-16 surrogate that came in as a JSON escape) is a fault of that one message, not of the transport, and
/// must fail only its own call: transports cannot tell the two apart once serialization happens inside their send.
/// </summary>
internal static class OutgoingMessages
{
    private static readonly JsonSerializerOptions Options = McpJsonUtilities.DefaultOptions;

    /// <exception cref="McpException">
    /// The message cannot be written as JSON; nothing was sent. -32602 naming the first part of params that cannot be
    /// written, else -32603; every caller relays an <see cref="McpException"/> to its client as it is.
    /// </exception>
    public static byte[] Serialize(JsonRpcMessage message, string serverName, string method, JsonNode? @params)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(message, Options.GetTypeInfo(typeof(JsonRpcMessage)));
        }
        catch (Exception ex)
        {
            // Serializing an in-memory message does no I/O: whatever it throws is about the message.
            throw Invalid(serverName, method, @params, ex);
        }
    }

    /// <summary>The error for a message that could not be written: names the first part of params that cannot be.</summary>
    public static McpException Invalid(string serverName, string method, JsonNode? @params, Exception cause)
    {
        var reason = cause is JsonException { InnerException: { } inner } ? inner.Message : cause.Message;
        return FindUnwritable(@params, "params") is { } path
            ? new McpException(McpErrorCodes.InvalidParams,
                $"{method}: {path} cannot be sent to upstream MCP server '{serverName}': {reason}")
            : new McpException(McpErrorCodes.InternalError,
                $"{method} cannot be sent to upstream MCP server '{serverName}': {reason}");
    }

    /// <summary>The path of the first value (or object whose member names) cannot be written, or null.</summary>
    internal static string? FindUnwritable(JsonNode? node, string path)
    {
        try
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        if (FindUnwritable(child, path + "." + name) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (FindUnwritable(array[i], $"{path}[{i}]") is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValue value:
                    value.ToJsonString();
                    return null;
                default:
                    return null;
            }
        }
        catch (Exception)
        {
            // A member name that cannot be read fails the enumeration of its object: the object is the culprit.
            return path;
        }
    }
}
