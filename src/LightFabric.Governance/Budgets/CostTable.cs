namespace LightFabric.Governance.Budgets;

/// <summary>
/// What a call of a tool costs, in credits: the exact name, else the longest trailing-<c>*</c> pattern that matches
/// (<c>db_*</c> before <c>d*</c>), else <c>"*"</c>, else <see cref="DefaultCost"/>. Names are the public tool names
/// the client calls (prefixed when the gateway prefixes them).
/// </summary>
public sealed class CostTable
{
    private readonly Dictionary<string, long> _exact = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, long Cost)> _prefixes = [];
    private readonly long? _catchAll;

    public CostTable(long defaultCost, IReadOnlyDictionary<string, long> costs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(defaultCost);
        DefaultCost = defaultCost;
        foreach (var (pattern, cost) in costs)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(cost, pattern);
            if (pattern == "*")
            {
                _catchAll = cost;
            }
            else if (pattern.EndsWith('*'))
            {
                _prefixes.Add((pattern[..^1], cost));
            }
            else
            {
                _exact[pattern] = cost;
            }
        }

        // Longest prefix first, so the first match is the most specific one.
        _prefixes.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    /// <summary>Every call costs one credit.</summary>
    public static CostTable Default { get; } = new(1, new Dictionary<string, long>());

    public long DefaultCost { get; }

    public long CostOf(string name)
    {
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (prefix, cost) in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return cost;
            }
        }

        return _catchAll ?? DefaultCost;
    }
}
