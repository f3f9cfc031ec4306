using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.Mcp.Protocol;

/// <summary>Writes JSON-RPC messages straight into a buffer, without building a wrapper object first.</summary>
public static class JsonRpcWriter
{
    // Relaxed escaping: bodies are JSON documents, never embedded in HTML.
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteResult(IBufferWriter<byte> output, JsonNode? id, JsonNode? result)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        WriteNode(writer, id);
        writer.WritePropertyName("result");
        if (result is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            result.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    public static void WriteError(IBufferWriter<byte> output, JsonNode? id, int code, string message, JsonNode? data)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        WriteNode(writer, id);
        writer.WritePropertyName("error");
        writer.WriteStartObject();
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        if (data is not null)
        {
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteNotification(IBufferWriter<byte> output, string method, JsonNode? parameters)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteString("method", method);
        if (parameters is not null)
        {
            writer.WritePropertyName("params");
            parameters.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    public static byte[] Notification(string method, JsonNode? parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteNotification(buffer, method, parameters);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }
}
