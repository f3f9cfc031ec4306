namespace LightFabric.Gateway.Handlers;

internal static class PathPrefix
{
    /// <summary>The value of the longest prefix that matches <paramref name="path"/> on a segment boundary.</summary>
    /// <param name="byLengthDescending">Entries sorted by key length, longest first.</param>
    public static T? Longest<T>(KeyValuePair<string, T>[] byLengthDescending, string path)
        where T : class
    {
        foreach (var (prefix, value) in byLengthDescending)
        {
            if (Matches(prefix, path))
            {
                return value;
            }
        }

        return null;
    }

    public static bool Matches(string prefix, string path)
    {
        var trimmed = prefix.Length > 1 ? prefix.TrimEnd('/') : prefix;
        if (trimmed == "/")
        {
            return true;
        }

        return path.StartsWith(trimmed, StringComparison.Ordinal)
            && (path.Length == trimmed.Length || path[trimmed.Length] == '/');
    }
}
