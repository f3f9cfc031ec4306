namespace LightFabric.Config;

/// <summary>The known key a typo most likely meant: at most two edits away (a swap of neighbours is one), or a prefix.</summary>
public static class NearestKey
{
    public static string? Find(string key, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Two edits turn any short key into many others; short keys get one.
        var maxDistance = key.Length <= 4 ? 1 : 2;
        string? best = null;
        var bestScore = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            var isPrefix = key.Length >= 3 && candidate.Length >= 3
                && (candidate.StartsWith(key, StringComparison.OrdinalIgnoreCase) || key.StartsWith(candidate, StringComparison.OrdinalIgnoreCase));
            if (distance > maxDistance && !isPrefix)
            {
                continue;
            }
            // Edits first; a prefix match ranks after any close edit.
            var score = distance <= maxDistance ? distance : maxDistance + 1 + Math.Abs(candidate.Length - key.Length);
            if (score < bestScore || score == bestScore && string.CompareOrdinal(candidate, best) < 0)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
