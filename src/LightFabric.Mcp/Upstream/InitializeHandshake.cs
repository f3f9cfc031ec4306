using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Upstream;

/// <summary>What the gateway sends as an upstream's client in initialize, and what it needs back.</summary>
internal static class InitializeHandshake
{
    public static JsonObject Params(string protocolVersion, JsonObject? capabilities, string clientVersion) => new()
    {
        ["protocolVersion"] = protocolVersion,
        ["capabilities"] = capabilities?.DeepClone() ?? new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "light-gateway", ["version"] = clientVersion },
    };

    /// <summary>The initialize result and the revision the upstream chose; an answer without one leaves the upstream unusable.</summary>
    public static (JsonObject Result, string ProtocolVersion) Outcome(JsonNode? result, string serverName)
    {
        if (result is not JsonObject resultObject || resultObject["protocolVersion"] is not JsonValue version
            || !version.TryGetValue(out string? negotiated))
        {
            throw new UpstreamUnavailableException(serverName,
                $"upstream MCP server '{serverName}' answered initialize without a protocolVersion: {result?.ToJsonString() ?? "null"}");
        }

        return (resultObject, negotiated);
    }
}
