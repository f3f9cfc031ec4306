using System.Diagnostics;

namespace LightFabric.Mcp.Benchmark;

/// <summary>Figures of one closed-loop run against one target.</summary>
internal sealed record RunResult(string Target, int Concurrency, int Round, long Requests, long Errors, double Seconds,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double GatewayCpuPercent, double BenchCpuPercent, double MachineCpuPercent)
{
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>CPU used by processes other than the gateway and this program (other work on the machine), % of one core.</summary>
    public double OtherCpuPercent => MachineCpuPercent - BenchCpuPercent - (double.IsNaN(GatewayCpuPercent) ? 0 : GatewayCpuPercent);

    /// <summary>Gateway CPU time per request in microseconds.</summary>
    public double GatewayCpuMicros => GatewayCpuPercent / 100 * Seconds / Math.Max(1, Requests) * 1e6;

    /// <summary>Load generator + upstream CPU time per request in microseconds.</summary>
    public double BenchCpuMicros => BenchCpuPercent / 100 * Seconds / Math.Max(1, Requests) * 1e6;
}

/// <summary>
/// Closed-loop load: each worker holds its own MCP session and sends tools/call echo back to back. A warm-up
/// period is sent but not recorded; then every request's latency is recorded until the measured period ends.
/// </summary>
internal static class LoadRun
{
    public static async Task<RunResult> RunAsync(string target, HttpClient http, Uri endpoint, int concurrency, int round,
        TimeSpan warmup, TimeSpan duration, GatewayProcess? gateway)
    {
        var clients = new McpClient[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            clients[i] = new McpClient(http, endpoint);
        }

        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (client, ct) => await client.InitializeAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

        var latencies = new List<long>[concurrency];
        var errors = new long[concurrency];
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var measureTo = (warmup + duration).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var cpuAtStart = TimeSpan.Zero;
        var benchCpuAtStart = TimeSpan.Zero;
        var machineAtStart = 0.0;
        using var self = Process.GetCurrentProcess();
        var cpuStartTaken = 0;
        var payload = new string('x', 64);

        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var index = w;
            latencies[index] = new List<long>(1 << 16);
            workers[w] = Task.Run(async () =>
            {
                var client = clients[index];
                var samples = latencies[index];
                while (true)
                {
                    var body = client.EchoBody(payload);
                    var start = clock.ElapsedTicks;
                    if (start >= measureTo)
                    {
                        break;
                    }

                    if (start >= measureFrom && Interlocked.Exchange(ref cpuStartTaken, 1) == 0)
                    {
                        cpuAtStart = gateway?.CpuTime ?? TimeSpan.Zero;
                        self.Refresh();
                        benchCpuAtStart = self.TotalProcessorTime;
                        machineAtStart = MachineBusySeconds();
                    }

                    bool ok;
                    try
                    {
                        ok = await client.CallEchoAsync(body).ConfigureAwait(false);
                    }
                    catch (HttpRequestException)
                    {
                        ok = false;
                    }

                    var end = clock.ElapsedTicks;
                    if (start >= measureFrom)
                    {
                        if (ok)
                        {
                            samples.Add(end - start);
                        }
                        else
                        {
                            errors[index]++;
                        }
                    }
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var cpuPercent = gateway is null ? double.NaN : (gateway.CpuTime - cpuAtStart).TotalSeconds / duration.TotalSeconds * 100;
        self.Refresh();
        var benchCpuPercent = (self.TotalProcessorTime - benchCpuAtStart).TotalSeconds / duration.TotalSeconds * 100;
        var machineCpuPercent = (MachineBusySeconds() - machineAtStart) / duration.TotalSeconds * 100;
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (client, _) => await client.DeleteAsync().ConfigureAwait(false)).ConfigureAwait(false);

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[(int)Math.Min(all.Length - 1, Math.Max(0, Math.Ceiling(p * all.Length) - 1))]);
        return new RunResult(target, concurrency, round, all.Length, errors.Sum(), duration.TotalSeconds,
            Percentile(0.50), Percentile(0.90), Percentile(0.99), all.Length == 0 ? double.NaN : Ms(all[^1]), cpuPercent, benchCpuPercent, machineCpuPercent);
    }

    /// <summary>Busy CPU seconds of the whole machine since boot (/proc/stat, all but idle and iowait).</summary>
    private static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Take(8).Sum() - fields[3] - fields[4];
        return busy / 100.0; // USER_HZ
    }
}
