using System.Diagnostics;
using System.Net;
using LightFabric.Mcp.Benchmark;

namespace LightFabric.Policy.Benchmark;

/// <summary>One gateway under test: its process, its MCP session, and what the run recorded for it.</summary>
internal sealed class Target(string name, string description, GatewayProcess gateway, McpClient client, int expectedRows)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public GatewayProcess Gateway { get; } = gateway;

    public McpClient Client { get; } = client;

    /// <summary>Rows every answer must have: 5 unfiltered, 3 after the row filter.</summary>
    public int ExpectedRows { get; } = expectedRows;

    public List<long> Samples { get; } = new(1 << 18);

    public List<double> SegmentP50Micros { get; } = [];

    public long Errors { get; set; }

    public string? LastError { get; set; }

    public TimeSpan GatewayCpu { get; set; }

    public double BenchCpuSeconds { get; set; }

    public double MachineBusySeconds { get; set; }

    public TimeSpan Measured { get; set; }
}

/// <summary>
/// Concurrency 1, closed loop: the targets take turns in short segments (A B C, then C B A, …) so that whatever
/// else the machine does in a given second hits all of them alike. Every answer is checked after its latency is
/// taken (status 200, a result that is not an error, the expected number of rows), so a gateway that stops
/// filtering or starts failing shows up as errors instead of as a fast call.
/// </summary>
internal static class InterleavedRun
{
    public static async Task RunAsync(IReadOnlyList<Target> targets, int warmupRounds, int segments, TimeSpan segmentLength)
    {
        for (var round = 0; round < warmupRounds; round++)
        {
            foreach (var target in Order(targets, round))
            {
                await SegmentAsync(target, segmentLength, record: false).ConfigureAwait(false);
            }
        }

        for (var segment = 0; segment < segments; segment++)
        {
            foreach (var target in Order(targets, segment))
            {
                await SegmentAsync(target, segmentLength, record: true).ConfigureAwait(false);
            }
        }
    }

    private static IEnumerable<Target> Order(IReadOnlyList<Target> targets, int index) => index % 2 == 0 ? targets : targets.Reverse();

    private static async Task SegmentAsync(Target target, TimeSpan length, bool record)
    {
        using var self = Process.GetCurrentProcess();
        var gatewayCpu = target.Gateway.CpuTime;
        var benchCpu = self.TotalProcessorTime;
        var machine = MachineBusySeconds();
        var samples = new List<long>(16384);
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var body = target.Client.ToolCallBody("accounts");
            var start = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            byte[] answer;
            try
            {
                (status, answer) = await target.Client.PostAsync(body).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                (status, answer) = (0, System.Text.Encoding.UTF8.GetBytes(ex.Message));
            }

            var stop = Stopwatch.GetTimestamp();
            if (!record)
            {
                continue;
            }

            if (status == HttpStatusCode.OK && IsExpected(answer, target.ExpectedRows))
            {
                samples.Add(stop - start);
            }
            else
            {
                target.Errors++;
                target.LastError = $"{(int)status} {System.Text.Encoding.UTF8.GetString(answer)}";
            }
        }

        if (!record)
        {
            return;
        }

        var measured = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        target.GatewayCpu += target.Gateway.CpuTime - gatewayCpu;
        target.BenchCpuSeconds += (self.TotalProcessorTime - benchCpu).TotalSeconds;
        target.MachineBusySeconds += MachineBusySeconds() - machine;
        target.Measured += measured;
        target.Samples.AddRange(samples);
        samples.Sort();
        target.SegmentP50Micros.Add(samples.Count == 0 ? double.NaN : Micros(samples[(samples.Count - 1) / 2]));
    }

    /// <summary>
    /// A tool result (not an error) with exactly <paramref name="rows"/> rows in structuredContent. Rows are counted by
    /// their unescaped <c>"owner":</c> key, which appears only in structuredContent (the text mirror escapes its quotes).
    /// </summary>
    public static bool IsExpected(ReadOnlySpan<byte> answer, int rows)
    {
        if (answer.IndexOf("\"result\""u8) < 0 || answer.IndexOf("\"isError\":true"u8) >= 0)
        {
            return false;
        }

        var count = 0;
        var rest = answer;
        int at;
        while ((at = rest.IndexOf("\"owner\":"u8)) >= 0)
        {
            count++;
            rest = rest[(at + 8)..];
        }

        return count == rows;
    }

    public static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>Busy CPU seconds of the whole machine since boot (/proc/stat, all but idle and iowait).</summary>
    private static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum() - fields[3] - fields[4]) / 100.0; // USER_HZ
    }
}
