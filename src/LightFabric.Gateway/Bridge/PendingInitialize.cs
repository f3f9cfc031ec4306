using ModelContextProtocol.Protocol;

namespace LightFabric.Gateway.Bridge;

/// <summary>The client's initialize while the bridge works on answering it; exactly one path may answer.</summary>
internal sealed class PendingInitialize(RequestId id)
{
    private int _claimed;

    public RequestId Id { get; } = id;

    /// <summary>Completes when the client's initialize has been answered (by the gateway or with an error).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True for the one caller that may answer the client's initialize.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
