namespace LightFabric.Mcp.Server;

/// <summary>
/// Messages about one request while it runs (progress, log messages, questions to the client): the transport
/// decides how they travel (on the request's own event stream, or on the session's stream).
/// </summary>
public interface IRelatedMessages
{
    /// <summary>Sends one JSON-RPC message; dropped once the request has ended or the client has gone.</summary>
    ValueTask SendAsync(byte[] message);

    /// <summary>Keeps a quiet long-lived answer open (a comment on an event stream); nothing where there is no stream.</summary>
    ValueTask KeepAliveAsync();
}
