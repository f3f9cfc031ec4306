using System.Text.Json.Nodes;
using LightFabric.Mcp.Protocol;
using LightFabric.Mcp.Server;
using Microsoft.Extensions.Logging;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// <c>subscriptions/listen</c>: the POST's answer becomes a long-lived event stream that starts with
/// <c>notifications/subscriptions/acknowledged</c> (the agreed filter) and carries the change notifications the
/// filter asked for, each tagged with the subscription id (the listen request's id). It ends when the client goes
/// away; when the gateway ends it (shutdown), the final result says so.
/// </summary>
internal sealed class ListenSubscriptions(ListenStreams streams, ResourceRelay resources, ILogger logger)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task<JsonNode?> ListenAsync(McpRequest request, CancellationToken cancellationToken)
    {
        var filter = request.Params?["notifications"] as JsonObject ?? [];
        var uris = (filter["resourceSubscriptions"] as JsonArray ?? [])
            .Select(JsonFields.Text)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var listener = new ListenStreams.Listener(request.Id.DeepClone(), JsonFields.IsTrue(filter["toolsListChanged"]),
            JsonFields.IsTrue(filter["promptsListChanged"]), JsonFields.IsTrue(filter["resourcesListChanged"]), uris);

        // Resource updates come from the servers that own the URIs: they must be asked to send them.
        foreach (var uri in uris)
        {
            try
            {
                await resources.Owner(uri).RequestAsync(McpMethods.ResourcesSubscribe, new JsonObject { ["uri"] = uri }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is McpException || UpstreamFailures.IsUpstreamFailure(ex))
            {
                logger.LogWarning("subscriptions/listen: updates of {Uri} cannot be subscribed upstream: {Reason}", uri, ex.Message);
            }
        }

        var stopping = request.Stopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        using (streams.Open(listener))
        {
            await request.Related.SendAsync(listener.Tagged(McpMethods.SubscriptionsAcknowledged, new JsonObject { ["notifications"] = listener.Agreed() }))
                .ConfigureAwait(false);
            try
            {
                while (!ended.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                    wait.CancelAfter(KeepAlive);
                    try
                    {
                        await listener.Queue.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ended.IsCancellationRequested)
                    {
                        await request.Related.KeepAliveAsync().ConfigureAwait(false);
                        continue;
                    }

                    while (listener.Queue.TryRead(out var message))
                    {
                        await request.Related.SendAsync(message).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The gateway ends the subscription: the final result below tells the client.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new JsonObject { ["_meta"] = new JsonObject { [ListenStreams.SubscriptionIdKey] = request.Id.DeepClone() } };
    }
}
