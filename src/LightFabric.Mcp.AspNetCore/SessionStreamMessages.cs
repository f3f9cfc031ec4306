using LightFabric.Mcp.Server;

namespace LightFabric.Mcp.AspNetCore;

/// <summary>Messages about a request that go on its session's event stream (the legacy transport answers there too).</summary>
internal sealed class SessionStreamMessages(McpSession session) : IRelatedMessages
{
    public ValueTask SendAsync(byte[] message)
    {
        session.Send(message);
        return ValueTask.CompletedTask;
    }

    public ValueTask KeepAliveAsync() => ValueTask.CompletedTask;
}
