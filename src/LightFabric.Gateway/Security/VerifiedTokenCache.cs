using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LightFabric.Gateway.Security;

/// <summary>
/// Verified tokens by the SHA-256 of the token text (the token itself is not kept), each honoured until its
/// <c>exp</c> plus clock skew. Bounded: when full, expired entries go first, then the oldest.
/// </summary>
public sealed class VerifiedTokenCache(int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, VerifiedToken> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public int Count => _entries.Count;

    /// <summary>Keys in eviction order, including those of entries already dropped (bounded by twice the capacity).</summary>
    internal int QueuedKeys => _order.Count;

    public static string KeyOf(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public VerifiedToken? Get(string key)
    {
        if (capacity <= 0 || !_entries.TryGetValue(key, out var token))
        {
            return null;
        }

        if (token.Expires is { } expires && time.GetUtcNow() > expires)
        {
            _entries.TryRemove(key, out _);
            return null;
        }

        return token;
    }

    public void Add(string key, VerifiedToken token)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            Evict();
        }

        if (_entries.TryAdd(key, token))
        {
            _order.Enqueue(key);
        }

        TrimOrder();
    }

    /// <summary>
    /// Keys of entries dropped on read (expired) stay queued; the queue is kept at twice the capacity by letting the
    /// oldest keys go (with their entries, if still there), so it cannot grow while the cache stays below capacity.
    /// </summary>
    private void TrimOrder()
    {
        while (_order.Count > capacity * 2 && _order.TryDequeue(out var stale))
        {
            _entries.TryRemove(stale, out _);
        }
    }

    private void Evict()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires is { } expires && now > expires)
            {
                _entries.TryRemove(key, out _);
            }
        }

        while (_entries.Count >= capacity && _order.TryDequeue(out var oldest))
        {
            _entries.TryRemove(oldest, out _);
        }
    }
}
