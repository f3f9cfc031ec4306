using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LightFabric.Mcp.Protocol;

namespace LightFabric.Mcp.Routing;

/// <summary>
/// The open <c>subscriptions/listen</c> streams of 2026-07-28 clients (the revision's replacement for the session GET
/// stream). Each gets exactly the change notifications its filter asked for, tagged with its subscription id.
/// Process-wide, like sessions, so a reload keeps them.
/// </summary>
public sealed class ListenStreams
{
    public const string SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

    private readonly ConcurrentDictionary<Listener, byte> _open = new();

    /// <summary>One client's stream: its filter, its id and the queue of messages waiting to be written.</summary>
    public sealed class Listener(JsonNode subscriptionId, bool tools, bool prompts, bool resources, IReadOnlySet<string> resourceUris)
    {
        private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public ChannelReader<byte[]> Queue => _queue.Reader;

        public IReadOnlySet<string> ResourceUris => resourceUris;

        /// <summary>The filter the gateway agreed to, echoed in the acknowledgement.</summary>
        public JsonObject Agreed() => new()
        {
            ["toolsListChanged"] = tools,
            ["promptsListChanged"] = prompts,
            ["resourcesListChanged"] = resources,
            ["resourceSubscriptions"] = new JsonArray(resourceUris.Select(u => (JsonNode)u).ToArray()),
        };

        public byte[] Tagged(string method, JsonNode? parameters)
        {
            var tagged = parameters?.DeepClone() as JsonObject ?? [];
            var meta = tagged["_meta"] as JsonObject ?? [];
            meta[SubscriptionIdKey] = subscriptionId.DeepClone();
            tagged["_meta"] = meta;
            return JsonRpcWriter.Notification(method, tagged);
        }

        internal void Offer(string method, JsonNode? parameters)
        {
            var wanted = method switch
            {
                McpMethods.ToolsListChanged => tools,
                McpMethods.PromptsListChanged => prompts,
                McpMethods.ResourcesListChanged => resources,
                McpMethods.ResourceUpdated => parameters?["uri"] is JsonValue uri && uri.TryGetValue<string>(out var text) && resourceUris.Contains(text),
                _ => false,
            };
            if (wanted)
            {
                _queue.Writer.TryWrite(Tagged(method, parameters));
            }
        }
    }

    public IDisposable Open(Listener listener)
    {
        _open[listener] = 0;
        return new Registration(this, listener);
    }

    /// <summary>Offers a change notification to every open stream; each takes it only when its filter asked for it.</summary>
    public void Publish(string method, JsonNode? parameters)
    {
        foreach (var listener in _open.Keys)
        {
            listener.Offer(method, parameters);
        }
    }

    private sealed class Registration(ListenStreams owner, Listener listener) : IDisposable
    {
        public void Dispose() => owner._open.TryRemove(listener, out _);
    }
}
