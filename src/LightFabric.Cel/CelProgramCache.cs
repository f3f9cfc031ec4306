using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using LightFabric.Cel.Profiles;

namespace LightFabric.Cel;

/// <summary>
/// Compiled programs keyed by the SHA-256 of the expression and the effective profile name. Thread-safe; when the
/// capacity is reached the least recently used entries are evicted.
/// </summary>
public sealed class CelProgramCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CelEnvironment> _environments = new(StringComparer.Ordinal);
    private long _clock;

    public CelProgramCache(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>The cache key: <c>sha256(expression):profile</c>.</summary>
    public static string KeyOf(string expression, CelProfile profile) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expression))) + ":" + profile.Name;

    /// <summary>Returns the cached program or compiles it. Compile errors are thrown and not cached.</summary>
    /// <exception cref="CelCompileException">The expression is invalid under <paramref name="profile"/>.</exception>
    public CelProgram GetOrCompile(string expression, CelProfile profile)
    {
        var key = KeyOf(expression, profile);
        if (_entries.TryGetValue(key, out var hit))
        {
            hit.LastUse = Interlocked.Increment(ref _clock);
            return hit.Program;
        }

        var env = _environments.GetOrAdd(profile.Name, _ => CelEnvironment.ForProfile(profile));
        if (!ReferenceEquals(env.Profile, profile) && env.Profile != profile)
        {
            env = CelEnvironment.ForProfile(profile);
        }

        var program = env.Compile(expression);
        var entry = _entries.GetOrAdd(key, _ => new Entry(program));
        entry.LastUse = Interlocked.Increment(ref _clock);
        if (_entries.Count > Capacity)
        {
            Evict();
        }

        return entry.Program;
    }

    /// <summary>Drops every entry, e.g. after a rule set reload.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Drops the entry of one expression under one profile.</summary>
    public bool Remove(string expression, CelProfile profile) => _entries.TryRemove(KeyOf(expression, profile), out _);

    private void Evict()
    {
        var excess = _entries.Count - (Capacity * 3 / 4);
        if (excess <= 0)
        {
            return;
        }

        foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastUse).Take(excess).ToList())
        {
            _entries.TryRemove(key, out _);
        }
    }

    private sealed class Entry(CelProgram program)
    {
        public CelProgram Program { get; } = program;

        public long LastUse;
    }
}
