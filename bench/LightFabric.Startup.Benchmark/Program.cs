using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LightFabric.Mcp.Benchmark;

// Measures light-gateway startup-to-ready: from process start until the "ready: listening on" log line,
// which the runtime writes only after config is loaded, the model built and the listeners bound.
var options = BenchArgs.Parse(args);
var binary = Path.GetFullPath(options.GetValueOrDefault("--binary") ?? throw new ArgumentException("--binary PATH is required"));
var directory = Path.GetFullPath(options.GetValueOrDefault("--dir") ?? "bench/LightFabric.Startup.Benchmark");
var runs = int.Parse(options.GetValueOrDefault("--runs") ?? "20", CultureInfo.InvariantCulture);
var warmup = int.Parse(options.GetValueOrDefault("--warmup") ?? "3", CultureInfo.InvariantCulture);
var output = options.GetValueOrDefault("--out");

var samples = new List<double>();
for (var i = 0; i < warmup + runs; i++)
{
    var elapsed = await MeasureOnceAsync(binary, directory);
    if (i >= warmup)
    {
        samples.Add(elapsed);
    }
}

samples.Sort();
double Percentile(double p) => samples[(int)Math.Min(samples.Count - 1, Math.Ceiling(p * samples.Count) - 1)];
var summary = string.Create(CultureInfo.InvariantCulture,
    $"runs={samples.Count} min={samples[0]:0.0}ms median={Percentile(0.5):0.0}ms p90={Percentile(0.9):0.0}ms max={samples[^1]:0.0}ms");
Console.WriteLine(summary);

if (output is not null)
{
    var report = $"""
        # light-gateway startup-to-ready

        Command: `bash bench/LightFabric.Startup.Benchmark/run.sh` (publishes light-gateway Release, ReadyToRun, linux-x64, then runs this program)
        Measured: process start → the "ready: listening on" log line (config loaded, model built and validated, listeners bound)
        Config: `{Path.GetRelativePath(Environment.CurrentDirectory, directory)}/config/values.yml` (the quick start without MCP) with `SERVER_HTTPPORT=0`; {warmup} warm-up runs discarded
        Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}
        Date: {DateTime.UtcNow:yyyy-MM-dd}
        Target: under 300 ms

        | runs | min | median | p90 | max |
        |---:|---:|---:|---:|---:|
        | {samples.Count} | {samples[0]:0.0} ms | {Percentile(0.5):0.0} ms | {Percentile(0.9):0.0} ms | {samples[^1]:0.0} ms |
        """;
    await File.WriteAllTextAsync(output, report.Replace("\r", "") + "\n");
}

return 0;

static async Task<double> MeasureOnceAsync(string binary, string directory)
{
    var info = new ProcessStartInfo(binary)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    info.ArgumentList.Add("--dir");
    info.ArgumentList.Add(directory);
    info.Environment["SERVER_HTTPPORT"] = "0";
    var ready = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
    var clock = Stopwatch.StartNew();
    using var process = new Process { StartInfo = info };
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data?.Contains("ready: listening on", StringComparison.Ordinal) == true)
        {
            ready.TrySetResult(clock.Elapsed.TotalMilliseconds);
        }
    };
    process.ErrorDataReceived += (_, _) => { };
    process.Start();
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    var completed = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30)));
    process.Kill();
    await process.WaitForExitAsync();
    if (completed != ready.Task)
    {
        throw new TimeoutException("light-gateway did not become ready within 30 s");
    }

    return await ready.Task;
}
