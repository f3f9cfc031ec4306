using BenchmarkDotNet.Reports;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>One measured benchmark: which case, which method, mean time and bytes allocated per operation.</summary>
public sealed record SpeedRow(string Case, string Method, double MeanNs, double ErrorNs, long? AllocatedBytes)
{
    public static IReadOnlyList<SpeedRow> From(Summary summary)
    {
        var rows = new List<SpeedRow>();
        foreach (var report in summary.Reports)
        {
            var c = report.BenchmarkCase;
            var stats = report.ResultStatistics;
            rows.Add(new SpeedRow(
                c.Parameters["Case"]?.ToString() ?? "?",
                c.Descriptor.WorkloadMethod.Name,
                stats?.Mean ?? double.NaN,
                stats?.ConfidenceInterval.Margin ?? double.NaN,
                report.GcStats.GetBytesAllocatedPerOperation(c)));
        }

        return rows;
    }
}
