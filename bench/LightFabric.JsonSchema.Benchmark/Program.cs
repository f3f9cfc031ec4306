using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LightFabric.JsonSchema.Benchmark;
using LightFabric.Mcp.Benchmark;

// The in-house JSON Schema validator against JsonSchema.Net 8.0.5 in one run: the official test suite's required
// tests (part 1), then compile and validate times of tool schemas (part 2), then hostile inputs. See run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains(SafetyProbes.DeepChildFlag))
{
    return SafetyProbes.RunDeepChild();
}

var options = BenchArgs.Parse(args);
var job = options.GetValueOrDefault("--job") ?? "short";
var output = options.GetValueOrDefault("--out");
var command = options.GetValueOrDefault("--command") ?? "bash bench/LightFabric.JsonSchema.Benchmark/run.sh";
var suite = SuiteDirectory(options.GetValueOrDefault("--suite"));
var loadAtStart = BenchMachine.LoadAverage();

Console.WriteLine($"part 1: the required tests of {suite}");
var comparison = SuiteComparison.Run(suite);
foreach (var t in comparison.Tallies)
{
    Console.WriteLine($"{t.Draft} {t.Validator}: {t.Passed} passed, {t.Failed} failed, {t.Skipped} skipped");
}

Console.WriteLine($"{comparison.Disagreements.Count} groups where the validators disagree");
var checks = ToolSchemaCase.All.Select(ToolSchemaCheck.Require).ToList();

Console.WriteLine("part 2: compile and validate (BenchmarkDotNet)");
// A short in-process job keeps a full run to a few minutes on a 2-core machine, as in the CEL benchmark.
var measuring = (job == "dry" ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(measuring)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "lightfabric-jsonschema-benchmark"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var summary = BenchmarkRunner.Run<ToolSchemaBenchmarks>(config);
var speed = SpeedRow.From(summary);
if (speed.Count == 0 || speed.Any(r => double.IsNaN(r.MeanNs)))
{
    Console.Error.WriteLine("part 2 measured nothing for some benchmarks; see BenchmarkDotNet's output above");
    return 1;
}

var loadAfterSpeed = BenchMachine.LoadAverage();
Console.WriteLine("safety probes");
var probes = SafetyProbes.Run();
foreach (var p in probes)
{
    Console.WriteLine($"{p.Probe}\n  in-house: {p.InHouse}\n  JsonSchema.Net: {p.Net}");
}

var report = new ResultsReport(command, job, $"{BenchMachine.Describe()}; load average at start: {loadAtStart}, after part 2: {loadAfterSpeed}",
    comparison, checks, speed, probes).Render();
if (output is not null)
{
    await File.WriteAllTextAsync(output, report);
    Console.WriteLine($"wrote {output}");
}
else
{
    Console.WriteLine(report);
}

return 0;

static string SuiteDirectory(string? given)
{
    var path = given ?? Environment.GetEnvironmentVariable("JSON_SCHEMA_CONFORMANCE_DIR");
    if (string.IsNullOrWhiteSpace(path))
    {
        // As the conformance test: shared/ beside the repository.
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LightFabric.sln")))
        {
            dir = dir.Parent;
        }

        path = Path.Combine(dir?.FullName ?? ".", "..", "shared", "conformance", "json-schema");
    }

    var full = Path.GetFullPath(path);
    if (!Directory.Exists(Path.Combine(full, "tests")))
    {
        throw new DirectoryNotFoundException($"the JSON Schema Test Suite is not at {full}: put shared/ beside the repository, set JSON_SCHEMA_CONFORMANCE_DIR or pass --suite DIR");
    }

    return full;
}
