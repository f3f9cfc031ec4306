namespace LightFabric.Governance.Budgets;

/// <summary>
/// What an HTTP request costs: <see cref="Path"/> is an exact request path or a prefix ending in <c>*</c>
/// (<c>/api/*</c>); <see cref="Method"/> null matches every method.
/// </summary>
public sealed record RouteCost(string Path, string? Method, long Cost)
{
    public bool Matches(string method, string path)
    {
        if (Method is not null && !Method.Equals(method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return Path.EndsWith('*') ? path.StartsWith(Path.AsSpan(0, Path.Length - 1), StringComparison.Ordinal) : path == Path;
    }
}
