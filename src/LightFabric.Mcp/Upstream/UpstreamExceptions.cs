using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// The upstream answered a request with a JSON-RPC error. Kept apart from transport failures so the gateway can
/// relay the upstream's own code, message and data to the downstream client; <see cref="Exception.Message"/> is
/// the upstream's message unchanged for that reason.
/// </summary>
public sealed class UpstreamErrorException(string serverName, int code, string message, JsonNode? data)
    : Exception(message)
{
    public string ServerName { get; } = serverName;

    /// <summary>The JSON-RPC error code as sent by the upstream.</summary>
    public int Code { get; } = code;

    /// <summary>The JSON-RPC error's <c>data</c> member (hides <see cref="Exception.Data"/>, which is unrelated).</summary>
    public new JsonNode? Data { get; } = data;
}

/// <summary>
/// The upstream cannot take requests (down, restarting, connection lost). The message says which server, why, and
/// when the next attempt is, because that is what an operator reading a tool error needs.
/// </summary>
public sealed class UpstreamUnavailableException(string serverName, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string ServerName { get; } = serverName;

    /// <summary>The request was never sent (the server was not up): the upstream did no work for it.</summary>
    public bool NotSent { get; init; }
}

/// <summary>A request took longer than the server's <c>RequestTimeout</c>; it was cancelled upstream.</summary>
public sealed class UpstreamTimeoutException(string serverName, string method, TimeSpan timeout)
    : TimeoutException($"upstream MCP server '{serverName}' did not answer {method} within {timeout.TotalSeconds:0.###} s; the request was cancelled")
{
    public string ServerName { get; } = serverName;

    public string Method { get; } = method;

    public TimeSpan Timeout { get; } = timeout;
}
