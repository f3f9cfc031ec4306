using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LightFabric.Gateway.Bridge;

/// <summary>One Streamable HTTP session of the bridge with the gateway, and the task pumping its messages to the client.</summary>
internal sealed class RemoteSession(HttpClientTransport client, ITransport transport)
{
    public HttpClientTransport Client { get; } = client;

    public ITransport Transport { get; } = transport;

    public Task? Pump { get; set; }

    public string SessionId => Transport.SessionId ?? "(none)";
}
