using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using LightFabric.Mcp.Benchmark;

// tools/call echo through light-gateway versus directly against the same upstream, plus the gateway's memory
// for idle MCP sessions. See run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchArgs.Parse(args);
var binary = Path.GetFullPath(options.GetValueOrDefault("--binary") ?? throw new ArgumentException("--binary PATH is required"));
var warmup = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("--warmup") ?? "3", CultureInfo.InvariantCulture));
var duration = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("--duration") ?? "10", CultureInfo.InvariantCulture));
var levels = (options.GetValueOrDefault("--concurrency") ?? "1,16,64").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
var rounds = int.Parse(options.GetValueOrDefault("--rounds") ?? "1", CultureInfo.InvariantCulture);
var sessionCount = int.Parse(options.GetValueOrDefault("--sessions") ?? "10000", CultureInfo.InvariantCulture);
var output = options.GetValueOrDefault("--out");
var command = options.GetValueOrDefault("--command") ?? "bash bench/LightFabric.Mcp.Benchmark/run.sh";
var revision = options.GetValueOrDefault("--revision") ?? "unknown";
var baselineBinary = options.GetValueOrDefault("--baseline-binary") is { } baselinePath ? Path.GetFullPath(baselinePath) : null;
var baselineRevision = options.GetValueOrDefault("--baseline-revision") ?? "baseline";
var loadAtStart = BenchMachine.LoadAverage();

await using var upstream = await FastUpstream.StartAsync();
Console.WriteLine($"upstream: {upstream.Url}");
await using var relay = await PassThroughRelay.StartAsync(upstream.Url);
await using var gateway = await GatewayProcess.StartAsync(binary, upstream.Url);
Console.WriteLine($"gateway: {gateway.BaseUrl} (pid {gateway.ProcessId})");

// An earlier build of the gateway, measured in the same run and alternated with this one, so a regression is told
// from run-to-run noise on a shared machine.
await using var baseline = baselineBinary is null ? null : await GatewayProcess.StartAsync(baselineBinary, upstream.Url);
var rssAtReady = gateway.ReadRssBytes();

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    UseCookies = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
})
{
    Timeout = TimeSpan.FromSeconds(30),
};
var direct = new Uri(upstream.Url);
var through = new Uri(gateway.BaseUrl.TrimEnd('/') + "/mcp");

// The gateway publishes the upstream's tools once connected; wait until echo is listed and callable.
await WaitForEchoAsync(http, through);
var throughBaseline = baseline is null ? null : new Uri(baseline.BaseUrl.TrimEnd('/') + "/mcp");
if (throughBaseline is not null)
{
    await WaitForEchoAsync(http, throughBaseline);
}

var targets = new List<(string Name, Uri Endpoint, GatewayProcess? Process)> { ("direct", direct, null), ("relay", new Uri(relay.Url), null), ("gateway", through, gateway) };
if (baseline is not null)
{
    targets.Add(("baseline", throughBaseline!, baseline));
}

var results = new List<RunResult>();
for (var round = 1; round <= rounds; round++)
{
    foreach (var level in levels)
    {
        foreach (var (name, endpoint, gw) in targets)
        {
            var result = await LoadRun.RunAsync(name, http, endpoint, level, round, warmup, duration, gw);
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round} c={level,3} {name,-7} {result.RequestsPerSecond,9:0} req/s  p50 {result.P50Ms:0.000} ms  p90 {result.P90Ms:0.000} ms  p99 {result.P99Ms:0.000} ms  max {result.MaxMs:0.0} ms  errors {result.Errors}  gateway cpu {result.GatewayCpuPercent:0}% ({result.GatewayCpuMicros:0} us/req)  bench cpu {result.BenchCpuPercent:0}% ({result.BenchCpuMicros:0} us/req)  other cpu {result.OtherCpuPercent:0}%"));
        }
    }
}

// Idle sessions: RSS of the idle gateway, then open N sessions (initialize + notifications/initialized each) and
// read it again after a second. Nothing is forced (no GC call, no trimming).
http.Dispose();
using var sessionHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false, UseCookies = false });
await Task.Delay(TimeSpan.FromSeconds(2));
var rssIdle = gateway.ReadRssBytes();
var sessionClock = Stopwatch.StartNew();
var opened = 0;
await Parallel.ForEachAsync(Enumerable.Range(0, sessionCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
{
    var client = new McpClient(sessionHttp, through);
    await client.InitializeAsync(ct);
    Interlocked.Increment(ref opened);
});
var sessionSeconds = sessionClock.Elapsed.TotalSeconds;
await Task.Delay(TimeSpan.FromSeconds(1));
var rssSessions = gateway.ReadRssBytes();
var sessionDelta = rssSessions - rssIdle;
Console.WriteLine($"sessions: {opened} opened in {sessionSeconds:0.0} s; RSS at ready {Mb(rssAtReady)}, idle {Mb(rssIdle)}, with sessions {Mb(rssSessions)}, delta {Mb(sessionDelta)} ({sessionDelta / Math.Max(1, opened)} B/session)");
Console.WriteLine($"gateway warnings during the run: {gateway.Warnings}{(gateway.LastWarning is null ? "" : " (last: " + gateway.LastWarning + ")")}");

if (output is not null)
{
    await File.WriteAllTextAsync(output, Report());
    Console.WriteLine($"wrote {output}");
}

return 0;

string Report()
{
    var text = new StringBuilder();
    text.AppendLine("# MCP tools/call through light-gateway vs direct");
    text.AppendLine();
    text.AppendLine($"Command: `{command}`  ");
    text.AppendLine($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  ");
    text.AppendLine($"Machine: {BenchMachine.Describe()}; load average at start: {loadAtStart}  ");
    text.AppendLine($"Load generator: this program, closed loop, one MCP session per worker, warm-up {warmup.TotalSeconds:0.#} s then {duration.TotalSeconds:0.#} s measured per run, direct and gateway alternating at each level, {rounds} round(s)  ");
    text.AppendLine("Upstream: in-process Kestrel Streamable HTTP MCP server; the tool called is `echo` (application/json answers, no logging)  ");
    text.AppendLine("Gateway: published light-gateway (Release, ReadyToRun) as a child process, `LIGHT_LOG=warn,LightFabric.Runtime=info` (the runtime category only for the ready line), chain `[mcp]` only on /mcp, one `transport: http` upstream, `prefixMode: never`, its shipped GC settings (workstation GC)  ");
    text.AppendLine($"Gateway build: published from the working tree at {revision}  ");
    text.AppendLine("Request: `tools/call` `echo` with a 64-character text argument; latency is the client-side time of one HTTP request/response");
    text.AppendLine();
    text.AppendLine("Relay: the floor for any HTTP-level MCP intermediary here — an in-process Kestrel endpoint that forwards each POST");
    text.AppendLine("body and the MCP headers to the upstream with HttpClient and copies the answer back (no parsing, sessions or routing).");
    text.AppendLine("What it reaches as a share of direct is the most any gateway can reach on this machine.");
    text.AppendLine();
    text.AppendLine("**All three parties share the same cores:** the load generator, the upstream and the gateway run on one machine, so");
    text.AppendLine("at saturation the gateway competes for CPU with the client and the upstream. Throughput ratios are therefore a lower");
    text.AppendLine("bound of what the gateway does on its own cores, and direct runs have the whole machine for client + upstream only.");
    text.AppendLine();
    text.AppendLine("## tools/call");
    text.AppendLine();
    text.AppendLine("| round | concurrency | target | req/s | p50 | p90 | p99 | max | errors | gateway CPU | gateway CPU/req | bench CPU | bench CPU/req | other CPU |");
    text.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Round} | {r.Concurrency} | {r.Target} | {r.RequestsPerSecond:0} | {r.P50Ms:0.000} ms | {r.P90Ms:0.000} ms | {r.P99Ms:0.000} ms | {r.MaxMs:0.0} ms | {r.Errors} | {(double.IsNaN(r.GatewayCpuPercent) ? "–" : r.GatewayCpuPercent.ToString("0", CultureInfo.InvariantCulture) + " %")} | {(double.IsNaN(r.GatewayCpuPercent) ? "–" : r.GatewayCpuMicros.ToString("0", CultureInfo.InvariantCulture) + " µs")} | {r.BenchCpuPercent:0} % | {r.BenchCpuMicros:0} µs | {r.OtherCpuPercent:0} % |"));
    }

    text.AppendLine();
    text.AppendLine("CPU columns: CPU time used during the measured period as % of one core (200 % = both cores); bench = load generator + upstream");
    text.AppendLine("(this process); other = the rest of the machine (from /proc/stat), i.e. work that was not part of the benchmark.");
    text.AppendLine();
    text.AppendLine("## Summary");
    text.AppendLine();
    text.AppendLine("| concurrency | direct req/s | relay req/s | relay / direct | gateway req/s | gateway / direct | gateway / relay | direct p50 | gateway p50 | added p50 |");
    text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var level in levels)
    {
        var d = results.Where(r => r.Concurrency == level && r.Target == "direct").ToArray();
        var g = results.Where(r => r.Concurrency == level && r.Target == "gateway").ToArray();
        var p = results.Where(r => r.Concurrency == level && r.Target == "relay").ToArray();
        double dRps = Median(d.Select(r => r.RequestsPerSecond)), gRps = Median(g.Select(r => r.RequestsPerSecond)), pRps = Median(p.Select(r => r.RequestsPerSecond));
        double dP50 = Median(d.Select(r => r.P50Ms)), gP50 = Median(g.Select(r => r.P50Ms));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {level} | {dRps:0} | {pRps:0} | {pRps / dRps * 100:0} % | {gRps:0} | {gRps / dRps * 100:0} % | {gRps / pRps * 100:0} % | {dP50:0.000} ms | {gP50:0.000} ms | {gP50 - dP50:0.000} ms |"));
    }

    if (rounds > 1)
    {
        text.AppendLine();
        text.AppendLine($"Summary values are medians over the {rounds} rounds.");
    }

    if (baseline is not null)
    {
        text.AppendLine();
        text.AppendLine($"## This build against the baseline ({baselineRevision})");
        text.AppendLine();
        text.AppendLine("Both builds run side by side against the same upstream, alternated at each level in every round.");
        text.AppendLine();
        text.AppendLine("| concurrency | baseline req/s | this build req/s | change | baseline p50 | this build p50 | change | baseline p99 | this build p99 |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var level in levels)
        {
            var b = results.Where(r => r.Concurrency == level && r.Target == "baseline").ToArray();
            var g = results.Where(r => r.Concurrency == level && r.Target == "gateway").ToArray();
            double bRps = Median(b.Select(r => r.RequestsPerSecond)), gRps = Median(g.Select(r => r.RequestsPerSecond));
            double bP50 = Median(b.Select(r => r.P50Ms)), gP50 = Median(g.Select(r => r.P50Ms));
            double bP99 = Median(b.Select(r => r.P99Ms)), gP99 = Median(g.Select(r => r.P99Ms));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {level} | {bRps:0} | {gRps:0} | {(gRps / bRps - 1) * 100:+0;-0;0} % | {bP50:0.000} ms | {gP50:0.000} ms | {(gP50 / bP50 - 1) * 100:+0;-0;0} % | {bP99:0.000} ms | {gP99:0.000} ms |"));
        }
    }

    text.AppendLine();
    text.AppendLine("## Targets");
    text.AppendLine();
    foreach (var level in levels)
    {
        var d = results.Where(r => r.Concurrency == level && r.Target == "direct").ToArray();
        var g = results.Where(r => r.Concurrency == level && r.Target == "gateway").ToArray();
        if (level == 1)
        {
            var added = Median(g.Select(r => r.P50Ms)) - Median(d.Select(r => r.P50Ms));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- Added p50 latency at concurrency 1 ≤ 0.5 ms: **{(added <= 0.5 ? "met" : "missed")}** ({added:0.000} ms)"));
        }
        else
        {
            var ratio = Median(g.Select(r => r.RequestsPerSecond)) / Median(d.Select(r => r.RequestsPerSecond)) * 100;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- Gateway throughput ≥ 50 % of direct at concurrency {level}: **{(ratio >= 50 ? "met" : "missed")}** ({ratio:0} %)"));
        }
    }

    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"- {opened} idle sessions ≤ 100 MB above idle RSS: **{(sessionDelta <= 100L * 1048576 ? "met" : "missed")}** ({Mb(sessionDelta)})"));

    text.AppendLine();
    text.AppendLine("## Idle MCP sessions (gateway RSS, VmRSS from /proc/PID/status)");
    text.AppendLine();
    text.AppendLine("| state | RSS |");
    text.AppendLine("|---|---:|");
    text.AppendLine($"| just ready (before any load) | {Mb(rssAtReady)} |");
    text.AppendLine($"| idle after the tools/call runs (2 s pause) | {Mb(rssIdle)} |");
    text.AppendLine($"| with {opened} more sessions open, 1 s after the last initialize | {Mb(rssSessions)} |");
    text.AppendLine($"| difference | {Mb(sessionDelta)} ({sessionDelta / Math.Max(1, opened)} bytes per session) |");
    text.AppendLine();
    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"Each session: initialize + notifications/initialized, 16 in parallel; {opened} sessions took {sessionSeconds:0.0} s ({opened / sessionSeconds:0} sessions/s). No GC was forced."));
    text.AppendLine();
    text.AppendLine($"Gateway warn/error log lines during the whole run: {gateway.Warnings}. Load average at the end: {BenchMachine.LoadAverage()}.");
    return text.ToString().Replace("\r", "");
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB");

static async Task WaitForEchoAsync(HttpClient http, Uri endpoint)
{
    var client = new McpClient(http, endpoint);
    await client.InitializeAsync();
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        var list = await client.RequestAsync("tools/list", "{}");
        if (list.Contains("\"echo\"", StringComparison.Ordinal) && await client.CallEchoAsync(client.EchoBody("hello")))
        {
            break;
        }

        if (deadline.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new InvalidOperationException($"the gateway does not list a callable echo tool: {list}");
        }

        await Task.Delay(100);
    }

    await client.DeleteAsync();
}
