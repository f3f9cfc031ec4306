using System.Text;
using LightFabric.Testing;
using Xunit.Abstractions;

namespace LightFabric.EndToEnd.Tests.Conformance;

/// <summary>
/// The official MCP conformance suite (@modelcontextprotocol/conformance, every server scenario) against the fixture
/// server directly, as a baseline, and through light-gateway configured by tests/conformance/gateway. Known gateway
/// failures are listed in tests/conformance/expected-failures.txt; the list may only shrink.
/// </summary>
public sealed class McpConformanceTests(ITestOutputHelper output)
{
    // One run of the suite takes a few seconds; scenarios whose server→client request is never answered wait for
    // the fixture's 5 s request timeout. The bound keeps a hung scenario from stalling the whole test run.
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task The_gateway_passes_every_conformance_scenario_the_fixture_passes_except_the_listed_ones()
    {
        var suite = ConformanceSuite.Instance;
        var scenarios = await suite.ListServerScenariosAsync();
        var fixtureExpected = suite.ReadExpectedFailures("fixture-expected-failures.txt");
        var gatewayExpected = suite.ReadExpectedFailures("expected-failures.txt");
        var fixtureEnvironment = new Dictionary<string, string> { ["FIXTURE_CLIENT_REQUEST_TIMEOUT_MS"] = "5000" };

        await using var fixture = await suite.StartFixtureAsync(fixtureEnvironment);
        using var work = new TempDirectory();

        var baselineDirectory = Path.Combine(work.Path, "fixture-run");
        Directory.CreateDirectory(baselineDirectory);
        var baseline = await suite.RunServerScenariosAsync(fixture.McpUrl, scenarios, baselineDirectory, SuiteTimeout);
        Describe("fixture", baseline);

        var gatewayDirectory = Path.Combine(work.Path, "gateway");
        RepoPaths.CopyDirectory(Path.Combine(suite.Directory, "gateway"), gatewayDirectory);
        var environment = new Dictionary<string, string>
        {
            ["SERVER_HTTPPORT"] = "0",
            ["CONFORMANCE_FIXTURE_URL"] = fixture.McpUrl.ToString(),
        };
        SuiteRun viaGateway;
        await using (var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", gatewayDirectory], environment))
        {
            var listening = await gateway.WaitForReadyAsync();
            var gatewayRunDirectory = Path.Combine(work.Path, "gateway-run");
            Directory.CreateDirectory(gatewayRunDirectory);
            viaGateway = await suite.RunServerScenariosAsync(new Uri(listening, "/mcp"), scenarios, gatewayRunDirectory, SuiteTimeout);
            Describe("gateway", viaGateway);
            if (viaGateway.Failed.Any(f => !gatewayExpected.ContainsKey(f.Name)))
            {
                output.WriteLine("gateway log (tail):\n" + string.Join("\n", gateway.StdOut.Split('\n').TakeLast(60)));
            }
        }

        var summary = $"mcp-conformance: gateway {viaGateway.PassedCount}/{scenarios.Count} scenarios, fixture {baseline.PassedCount}/{scenarios.Count}";
        output.WriteLine(summary);
        var report = new StringBuilder(summary).AppendLine();
        foreach (var failed in viaGateway.Failed)
        {
            report.AppendLine("gateway " + failed.Name);
        }

        foreach (var failed in baseline.Failed)
        {
            report.AppendLine("fixture " + failed.Name);
        }

        var reportPath = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_REPORT");
        if (!string.IsNullOrWhiteSpace(reportPath))
        {
            File.WriteAllText(reportPath, report.ToString());
        }

        var problems = new List<string>();
        problems.AddRange(Compare("the fixture (baseline)", "fixture-expected-failures.txt", baseline, fixtureExpected, scenarios));
        problems.AddRange(Compare("light-gateway", "expected-failures.txt", viaGateway, gatewayExpected, scenarios));
        Assert.True(problems.Count == 0, summary + "\n" + string.Join("\n", problems));
    }

    private static IEnumerable<string> Compare(
        string subject, string listFile, SuiteRun run, Dictionary<string, string> expected, IReadOnlyList<string> scenarios)
    {
        foreach (var failed in run.Failed.Where(f => !expected.ContainsKey(f.Name)))
        {
            yield return $"{subject} fails '{failed.Name}', which tests/conformance/{listFile} does not list: {string.Join("; ", failed.Failures)}";
        }

        foreach (var name in expected.Keys.Where(n => run.Scenarios.TryGetValue(n, out var s) && s.Passed))
        {
            yield return $"{subject} now passes '{name}': remove it from tests/conformance/{listFile}";
        }

        foreach (var name in expected.Keys.Where(n => !scenarios.Contains(n)))
        {
            yield return $"tests/conformance/{listFile} lists '{name}', which is not a server scenario of the suite: remove it";
        }
    }

    private void Describe(string subject, SuiteRun run)
    {
        output.WriteLine($"{subject}: {run.PassedCount}/{run.Scenarios.Count} scenarios pass{(run.TimedOut ? " (the suite was cut off)" : "")}");
        foreach (var scenario in run.Scenarios.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var line = $"  {(scenario.Passed ? "pass" : "FAIL")} {scenario.Name}";
            if (scenario.Failures.Count > 0)
            {
                line += " — " + string.Join("; ", scenario.Failures);
            }

            if (scenario.Warnings.Count > 0)
            {
                line += " (warnings: " + string.Join("; ", scenario.Warnings) + ")";
            }

            output.WriteLine(line);
        }

        if (run.TimedOut || run.Scenarios.Values.Any(s => !s.Passed && s.Failures.Any(f => f.StartsWith("the suite", StringComparison.Ordinal))))
        {
            output.WriteLine($"{subject} suite output (tail):\n" + string.Join("\n", run.Output.Split('\n').TakeLast(80)));
        }
    }
}
