namespace LightFabric.Mcp.Upstream;

/// <summary>A transport that sends a message the caller has already serialized, so it is written once.</summary>
internal interface ISerializedMessageTransport
{
    /// <param name="message">One JSON-RPC message as UTF-8 JSON, without a trailing newline.</param>
    Task SendSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken ct);
}
