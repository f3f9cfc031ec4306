using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests.Conformance;

/// <summary>
/// The official MCP conformance suite and its fixture server from tests/conformance, installed once per machine with
/// <c>npm ci</c> (the package brings its own Node 22). Process-wide: use <see cref="Instance"/>.
/// </summary>
public sealed partial class ConformanceSuite
{
    private static readonly Lazy<ConformanceSuite> Shared = new(() => new ConformanceSuite(), LazyThreadSafetyMode.ExecutionAndPublication);

    private ConformanceSuite()
    {
        Directory = Path.Combine(RepoPaths.Root, "tests", "conformance");
        var modules = Path.Combine(Directory, "node_modules");
        NodePath = Path.Combine(modules, ".bin", OperatingSystem.IsWindows() ? "node.exe" : "node");
        SuiteScript = Path.Combine(modules, "@modelcontextprotocol", "conformance", "dist", "index.js");
        FixtureScript = Path.Combine(Directory, "fixture-server.mjs");
        EnsureInstalled();
    }

    public static ConformanceSuite Instance => Shared.Value;

    /// <summary>tests/conformance (package.json, fixture, gateway config, expected-failure lists).</summary>
    public string Directory { get; }

    /// <summary>The Node 22 binary the npm package <c>node</c> installs (the suite needs Node 22 or later).</summary>
    public string NodePath { get; }

    public string SuiteScript { get; }

    public string FixtureScript { get; }

    /// <summary>The server scenario names, from <c>conformance list --server</c>.</summary>
    public async Task<IReadOnlyList<string>> ListServerScenariosAsync()
    {
        var run = await RunNodeAsync(Path.GetTempPath(), [SuiteScript, "list", "--server"], TimeSpan.FromSeconds(60));
        if (run.TimedOut || run.ExitCode != 0)
        {
            throw new InvalidOperationException($"conformance list --server failed (exit {run.ExitCode}):\n{run.Output}");
        }

        var names = run.Output.Split('\n').Select(l => ScenarioListLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        return names.Count > 0 ? names : throw new InvalidOperationException("conformance list --server named no scenarios:\n" + run.Output);
    }

    /// <summary>
    /// Runs every server scenario (<c>--suite all</c>) against <paramref name="url"/> with the working directory and
    /// results in <paramref name="workDirectory"/>. A scenario without a checks.json (the run was cut off) is failed.
    /// </summary>
    public async Task<SuiteRun> RunServerScenariosAsync(Uri url, IReadOnlyList<string> scenarios, string workDirectory, TimeSpan timeout)
    {
        var resultsDirectory = Path.Combine(workDirectory, "results");
        System.IO.Directory.CreateDirectory(resultsDirectory);
        var run = await RunNodeAsync(workDirectory, [SuiteScript, "server", "--url", url.ToString(), "--suite", "all", "-o", resultsDirectory], timeout);

        var outcomes = new Dictionary<string, ScenarioOutcome>(StringComparer.Ordinal);
        foreach (var checksFile in System.IO.Directory.EnumerateFiles(resultsDirectory, "checks.json", SearchOption.AllDirectories))
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(checksFile)!);
            var match = ResultFolder().Match(folder);
            if (!match.Success)
            {
                continue;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(checksFile));
            var failures = new List<string>();
            var warnings = new List<string>();
            foreach (var check in document.RootElement.EnumerateArray())
            {
                var status = check.TryGetProperty("status", out var s) ? s.GetString() : null;
                var description = $"{Text(check, "id")}: {Text(check, "errorMessage") ?? Text(check, "description")}";
                if (status == "FAILURE")
                {
                    failures.Add(description);
                }
                else if (status == "WARNING")
                {
                    warnings.Add(description);
                }
            }

            outcomes[match.Groups[1].Value] = new ScenarioOutcome(match.Groups[1].Value, failures.Count == 0, failures, warnings);
        }

        foreach (var name in scenarios.Where(n => !outcomes.ContainsKey(n)))
        {
            var reason = run.TimedOut ? $"the suite did not reach it within {timeout.TotalSeconds:0} s" : $"the suite wrote no result for it (exit {run.ExitCode})";
            outcomes[name] = new ScenarioOutcome(name, false, [reason], []);
        }

        return new SuiteRun(outcomes, run.Output, run.TimedOut);
    }

    /// <summary>Starts fixture-server.mjs on a free port of 127.0.0.1 and waits for its "listening" line.</summary>
    public async Task<FixtureServer> StartFixtureAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(NodePath)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FixtureScript);
        start.ArgumentList.Add("0");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var fixture = new FixtureServer(new Process { StartInfo = start });
        return await fixture.StartAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A list file: one scenario per line, "# reason" after it; blank and comment lines are skipped.</summary>
    public Dictionary<string, string> ReadExpectedFailures(string fileName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(Path.Combine(Directory, fileName)))
        {
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var name = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (name.Length > 0)
            {
                result[name] = hash >= 0 ? raw[(hash + 1)..].Trim() : "";
            }
        }

        return result;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<(int ExitCode, string Output, bool TimedOut)> RunNodeAsync(string workingDirectory, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(NodePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.WaitForExit();
        lock (output)
        {
            return (timedOut ? -1 : process.ExitCode, output.ToString(), timedOut);
        }
    }

    private void EnsureInstalled() => NpmInstall.EnsureInstalled(Directory, Installed);

    private bool Installed() => File.Exists(SuiteScript) && File.Exists(NodePath);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"^\s*-\s+([a-z0-9][a-z0-9/_-]*)(\s|$)")]
    private static partial Regex ScenarioListLine();

    // results/server-<scenario>-<ISO timestamp with ':' and '.' as '-'>/checks.json
    [GeneratedRegex(@"^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$")]
    private static partial Regex ResultFolder();
}

/// <summary>One scenario's result: passed when no check failed (warnings are kept for the report).</summary>
public sealed record ScenarioOutcome(string Name, bool Passed, IReadOnlyList<string> Failures, IReadOnlyList<string> Warnings);

/// <summary>The outcome of one run of the suite.</summary>
public sealed record SuiteRun(IReadOnlyDictionary<string, ScenarioOutcome> Scenarios, string Output, bool TimedOut)
{
    public int PassedCount => Scenarios.Values.Count(s => s.Passed);

    public IEnumerable<ScenarioOutcome> Failed => Scenarios.Values.Where(s => !s.Passed).OrderBy(s => s.Name, StringComparer.Ordinal);
}

/// <summary>A running fixture-server.mjs; disposing kills it.</summary>
public sealed partial class FixtureServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    internal FixtureServer(Process process)
    {
        _process = process;
    }

    /// <summary>http://127.0.0.1:PORT/mcp</summary>
    public Uri McpUrl { get; private set; } = null!;

    public string Output => string.Join("\n", _output);

    internal async Task<FixtureServer> StartAsync(TimeSpan timeout)
    {
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var ready = _output.Select(l => ListeningLine().Match(l)).FirstOrDefault(m => m.Success);
            if (ready is not null)
            {
                McpUrl = new Uri(ready.Groups[1].Value);
                return this;
            }

            if (_process.HasExited)
            {
                await Task.Delay(100);
                await DisposeAsync();
                throw new InvalidOperationException($"fixture-server.mjs exited with {_process.ExitCode} before listening:\n{Output}");
            }

            await Task.Delay(50);
        }

        await DisposeAsync();
        throw new TimeoutException($"fixture-server.mjs did not print its listening line within {timeout}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"fixture listening on (http://\S+/mcp)")]
    private static partial Regex ListeningLine();
}
