namespace LightFabric.Mcp.Benchmark;

/// <summary>Command-line options of the benchmarks: <c>--name value</c> pairs, or <c>--flag</c> alone (empty value).</summary>
internal static class BenchArgs
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                result[args[i]] = args[i + 1];
                i++;
            }
            else
            {
                result[args[i]] = "";
            }
        }

        return result;
    }
}
