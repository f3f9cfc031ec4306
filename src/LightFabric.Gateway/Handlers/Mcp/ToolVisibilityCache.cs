namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>What a cached tools/list visibility decision is about: the caller (by claims fingerprint) and the tool.</summary>
public readonly record struct ToolVisibilityKey(string CallerFingerprint, string ToolName, string Endpoint);

/// <summary>
/// A bounded least-recently-used map of tools/list visibility decisions. It belongs to one policy instance, so it
/// lives exactly as long as the rules it caches; a capacity of 0 keeps nothing.
/// </summary>
public sealed class ToolVisibilityCache(int capacity)
{
    private readonly Dictionary<ToolVisibilityKey, LinkedListNode<(ToolVisibilityKey Key, ToolVisibilityDecision Decision)>> _entries = new();
    private readonly LinkedList<(ToolVisibilityKey Key, ToolVisibilityDecision Decision)> _recency = new();
    private readonly Lock _lock = new();

    public int Capacity { get; } = Math.Max(0, capacity);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(ToolVisibilityKey key, out ToolVisibilityDecision decision)
    {
        decision = default;
        if (Capacity == 0)
        {
            return false;
        }

        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            decision = node.Value.Decision;
            return true;
        }
    }

    public void Set(ToolVisibilityKey key, ToolVisibilityDecision decision)
    {
        if (Capacity == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(key);
            }
            else if (_entries.Count >= Capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }

            _entries[key] = _recency.AddFirst((key, decision));
        }
    }
}
