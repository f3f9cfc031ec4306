namespace LightFabric.Testing;

/// <summary>
/// The known failures of a conformance run, from <c>Conformance/expected-failures.txt</c> beside the test assembly:
/// one <c>id # reason</c> per line, <c>#</c> lines are comments. The list can only shrink: an unlisted failure and a
/// listed test that now passes both fail the run.
/// </summary>
public sealed class ExpectedFailures
{
    private readonly Dictionary<string, string> _reasons;

    private ExpectedFailures(Dictionary<string, string> reasons) => _reasons = reasons;

    public IReadOnlyDictionary<string, string> Reasons => _reasons;

    public static ExpectedFailures Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "expected-failures.txt");
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // The last separator: test ids may contain " # ", the reasons written here do not.
            var hash = line.LastIndexOf(" # ", StringComparison.Ordinal);
            var id = hash < 0 ? line : line[..hash].Trim();
            var reason = hash < 0 ? string.Empty : line[(hash + 3)..].Trim();
            Assert.False(string.IsNullOrEmpty(reason), $"expected failure '{id}' has no reason");
            reasons[id] = reason;
        }

        return new ExpectedFailures(reasons);
    }

    /// <summary>Fails on a failure not listed, and on a listed test of this run that passed.</summary>
    public void Check(IReadOnlyCollection<(string Id, string Detail)> failures, IEnumerable<string> runIds)
    {
        var failed = failures.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var run = runIds.ToHashSet(StringComparer.Ordinal);
        var unexpected = failures.Where(f => !_reasons.ContainsKey(f.Id)).Select(f => $"{f.Id}: {f.Detail}").ToList();
        var nowPassing = _reasons.Keys.Where(id => run.Contains(id) && !failed.Contains(id)).ToList();
        Assert.True(unexpected.Count == 0, "unlisted conformance failures:\n" + string.Join("\n", unexpected));
        Assert.True(nowPassing.Count == 0, "listed as expected failures but now passing (remove them from expected-failures.txt):\n" + string.Join("\n", nowPassing));
    }
}
