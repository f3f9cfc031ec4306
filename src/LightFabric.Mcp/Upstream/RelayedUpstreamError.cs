using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Upstream;

/// <summary>
/// An upstream's JSON-RPC error as the gateway passes it on: its message and data are cut to a size a client (and a
/// log line) can take, since an upstream may put megabytes there.
/// </summary>
internal static class RelayedUpstreamError
{
    /// <summary>The most of an upstream's <c>error.message</c> relayed, in characters.</summary>
    public const int MaxMessageChars = 4096;

    /// <summary>The most of an upstream's <c>error.data</c> relayed, as JSON characters; larger data is replaced.</summary>
    public const int MaxDataChars = 4096;

    public static UpstreamErrorException Create(string serverName, int code, string? message, JsonNode? data)
    {
        message ??= "error without a message";
        if (message.Length > MaxMessageChars)
        {
            var cut = MaxMessageChars;
            if (char.IsHighSurrogate(message[cut - 1]))
            {
                cut--;
            }

            message = $"{message[..cut]}… (cut by the gateway: {message.Length} characters)";
        }

        return new UpstreamErrorException(serverName, code, message, Limit(data));
    }

    private static JsonNode? Limit(JsonNode? data)
    {
        if (data is null)
        {
            return null;
        }

        string json;
        try
        {
            json = data.ToJsonString();
        }
        catch (Exception)
        {
            return JsonValue.Create("(error data dropped by the gateway: it cannot be written as JSON)");
        }

        return json.Length <= MaxDataChars
            ? data
            : JsonValue.Create($"(error data dropped by the gateway: {json.Length} characters, more than {MaxDataChars})");
    }
}
