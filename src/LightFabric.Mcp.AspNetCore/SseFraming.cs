using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>How every MCP event stream of the gateway is framed: its headers, one JSON-RPC message per event, comments as keep-alive.</summary>
public static class SseFraming
{
    private static readonly byte[] EventPrefix = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Marks the answer as an event stream that proxies must neither cache nor buffer.</summary>
    public static void Prepare(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>One JSON-RPC message (single-line JSON) as an SSE <c>message</c> event.</summary>
    public static void WriteEvent(PipeWriter writer, ReadOnlySpan<byte> json)
    {
        writer.Write(EventPrefix);
        writer.Write(json);
        writer.Write(EventEnd);
    }

    public static void WriteKeepAlive(PipeWriter writer) => writer.Write(KeepAliveComment);
}
