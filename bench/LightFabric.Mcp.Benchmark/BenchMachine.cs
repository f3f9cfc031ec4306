using System.Runtime.InteropServices;

namespace LightFabric.Mcp.Benchmark;

/// <summary>What a results file says about the machine it was measured on (shared by the benchmarks).</summary>
internal static class BenchMachine
{
    /// <summary>Cores, CPU model, OS and .NET version.</summary>
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        return $"{Environment.ProcessorCount} cores ({cpu}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    /// <summary>/proc/loadavg as it reads now: other work on the machine while measuring.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
