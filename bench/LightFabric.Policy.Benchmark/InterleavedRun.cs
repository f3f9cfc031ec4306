using System.Diagnostics;
using System.Net;
using LightFabric.Mcp.Benchmark;

namespace LightFabric.Policy.Benchmark;

/// <summary>One gateway under test in one phase: its process, its MCP sessions (one per concurrent caller), and what the run recorded for it.</summary>
internal sealed class Target(string name, string description, GatewayProcess gateway, IReadOnlyList<McpClient> clients, int expectedRows, bool expectReceipt = false)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public GatewayProcess Gateway { get; } = gateway;

    /// <summary>The sessions of this phase; as many callers run at once as there are sessions.</summary>
    public IReadOnlyList<McpClient> Clients { get; } = clients;

    public int Concurrency => Clients.Count;

    /// <summary>Rows every answer must have: 5 unfiltered, 3 after the row filter.</summary>
    public int ExpectedRows { get; } = expectedRows;

    /// <summary>Every answer must carry the budget's receipt (governed targets).</summary>
    public bool ExpectReceipt { get; } = expectReceipt;

    /// <summary>CPU time of a process outside the gateway that does part of this target's work (redis-server), if any.</summary>
    public Func<TimeSpan>? SideCpuTime { get; init; }

    public List<long> Samples { get; } = new(1 << 18);

    public List<double> SegmentP50Micros { get; } = [];

    public long Errors { get; set; }

    public string? LastError { get; set; }

    /// <summary>tools/call requests sent, warm-up included (the audit trail must hold one record for each).</summary>
    public long CallsSent { get; set; }

    public TimeSpan GatewayCpu { get; set; }

    public TimeSpan SideCpu { get; set; }

    public double BenchCpuSeconds { get; set; }

    public double MachineBusySeconds { get; set; }

    public TimeSpan Measured { get; set; }
}

/// <summary>
/// Closed loop at the targets' concurrency (1 or 16 callers, each with its own session): the targets take turns in
/// short segments (A B C, then C B A, …) so that whatever else the machine does in a given second hits all of them
/// alike. Every answer is checked after its latency is taken (status 200, a result that is not an error, the expected
/// number of rows, the budget's receipt where one is due), so a gateway that stops filtering or starts failing shows
/// up as errors instead of as a fast call.
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

    private sealed class Caller
    {
        public List<long> Samples { get; } = new(16384);

        public long Calls { get; set; }

        public long Errors { get; set; }

        public string? LastError { get; set; }
    }

    private static async Task SegmentAsync(Target target, TimeSpan length, bool record)
    {
        using var self = Process.GetCurrentProcess();
        var gatewayCpu = target.Gateway.CpuTime;
        var sideCpu = target.SideCpuTime?.Invoke() ?? TimeSpan.Zero;
        var benchCpu = self.TotalProcessorTime;
        var machine = MachineBusySeconds();
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var callers = target.Clients.Select(_ => new Caller()).ToArray();
        if (callers.Length == 1)
        {
            // Concurrency 1 stays on this loop, as before the concurrent phase existed: no hop to the thread pool.
            await LoopAsync(target, target.Clients[0], callers[0], end, record).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAll(target.Clients.Select((client, i) => Task.Run(() => LoopAsync(target, client, callers[i], end, record)))).ConfigureAwait(false);
        }
        target.CallsSent += callers.Sum(c => c.Calls);
        if (!record)
        {
            return;
        }

        var measured = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        target.GatewayCpu += target.Gateway.CpuTime - gatewayCpu;
        target.SideCpu += (target.SideCpuTime?.Invoke() ?? TimeSpan.Zero) - sideCpu;
        target.BenchCpuSeconds += (self.TotalProcessorTime - benchCpu).TotalSeconds;
        target.MachineBusySeconds += MachineBusySeconds() - machine;
        target.Measured += measured;
        var samples = callers.SelectMany(c => c.Samples).ToList();
        target.Samples.AddRange(samples);
        target.Errors += callers.Sum(c => c.Errors);
        target.LastError = callers.LastOrDefault(c => c.LastError is not null)?.LastError ?? target.LastError;
        samples.Sort();
        target.SegmentP50Micros.Add(samples.Count == 0 ? double.NaN : Micros(samples[(samples.Count - 1) / 2]));
    }

    private static async Task LoopAsync(Target target, McpClient client, Caller caller, long end, bool record)
    {
        while (Stopwatch.GetTimestamp() < end)
        {
            var body = client.ToolCallBody("accounts");
            var start = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            byte[] answer;
            try
            {
                (status, answer) = await client.PostAsync(body).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                (status, answer) = (0, System.Text.Encoding.UTF8.GetBytes(ex.Message));
            }

            var stop = Stopwatch.GetTimestamp();
            caller.Calls++;
            if (!record)
            {
                continue;
            }

            if (status == HttpStatusCode.OK && IsExpected(answer, target.ExpectedRows, target.ExpectReceipt))
            {
                caller.Samples.Add(stop - start);
            }
            else
            {
                caller.Errors++;
                caller.LastError = $"{(int)status} {System.Text.Encoding.UTF8.GetString(answer)}";
            }
        }
    }

    /// <summary>
    /// A tool result (not an error) with exactly <paramref name="rows"/> rows in structuredContent and, when
    /// <paramref name="receipt"/>, the budget's receipt in its _meta. Rows are counted by their unescaped
    /// <c>"owner":</c> key, which appears only in structuredContent (the text mirror escapes its quotes).
    /// </summary>
    public static bool IsExpected(ReadOnlySpan<byte> answer, int rows, bool receipt = false)
    {
        if (answer.IndexOf("\"result\""u8) < 0 || answer.IndexOf("\"isError\":true"u8) >= 0)
        {
            return false;
        }

        if (receipt && answer.IndexOf("\"io.lightfabric/budget\":{\"cost\":1,"u8) < 0)
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
