using LightFabric.Governance.Calls;

namespace LightFabric.Gateway.Handlers;

/// <summary>
/// A handler that governs calls rather than requests (budget, audit): in a chain it adds its step or recorder to the
/// call pipeline of that chain, which the terminal handler (mcp, proxy) runs for each governed call — a tools/call
/// inside an MCP request, a request forwarded by the proxy. Its own InvokeAsync passes the request on.
/// </summary>
public interface IGoverningHandler
{
    ICallStep? Step { get; }

    ICallRecorder? Recorder { get; }
}
