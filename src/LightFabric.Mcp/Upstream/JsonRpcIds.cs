using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace LightFabric.Mcp.Upstream;

/// <summary>Request ids and error data between the SDK's JSON-RPC types and the gateway's JSON nodes.</summary>
internal static class JsonRpcIds
{
    public static JsonNode? ToNode(object? data) => data switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        _ => JsonValue.Create(data.ToString()),
    };

    public static JsonNode ToNode(RequestId id) => id.Id switch
    {
        long number => JsonValue.Create(number),
        string text => JsonValue.Create(text),
        var other => JsonValue.Create(other?.ToString() ?? ""),
    };

    public static RequestId ToRequestId(JsonValue value) =>
        value.TryGetValue(out long number) ? new RequestId(number) : new RequestId(value.ToString());
}
