using System.Text;
using LightFabric.Testing;
using Xunit.Abstractions;

namespace LightFabric.Cel.Tests.Conformance;

/// <summary>
/// Runs every cel-spec simple conformance test in <c>CEL_CONFORMANCE_DIR</c> (default <c>../shared/conformance/cel</c>
/// relative to the repository root). Tests needing protobuf messages are skipped. Known failures are listed with
/// reasons in <c>expected-failures.txt</c>; the test fails when an unlisted test fails or a listed one passes.
/// Without the suite the test is skipped with the reason (failed under <c>CI=true</c>).
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private const double RequiredPassRate = 0.99;

    [OutsideDataFact(ConformanceSuite.SharedPath, ConformanceSuite.DirectoryVariable)]
    public void SimpleSuitePassesExceptListedFailures()
    {
        var directory = OutsideData.Require(ConformanceSuite.SharedPath, ConformanceSuite.DirectoryVariable);
        var cases = ConformanceSuite.Load(directory);
        Assert.NotEmpty(cases);

        var expected = ExpectedFailures.Load();
        var passed = 0;
        var skipped = 0;
        var failures = new List<ConformanceOutcome>();
        foreach (var c in cases)
        {
            if (c.NeedsProto)
            {
                skipped++;
                continue;
            }

            ConformanceOutcome outcome;
            try
            {
                outcome = ConformanceSuite.Run(c);
            }
            catch (Exception e)
            {
                outcome = new ConformanceOutcome(c.Id, false, "harness exception: " + e.Message);
            }

            if (outcome.Passed)
            {
                passed++;
            }
            else
            {
                failures.Add(outcome);
            }
        }

        var summary = $"cel-conformance: {passed} passed, {failures.Count} failed, {skipped} skipped";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        var report = new StringBuilder(summary).AppendLine();
        foreach (var f in failures)
        {
            output.WriteLine($"FAIL {f.Id}: {f.Detail}");
            report.AppendLine(f.Id);
        }

        var reportPath = Environment.GetEnvironmentVariable("CEL_CONFORMANCE_REPORT");
        if (!string.IsNullOrWhiteSpace(reportPath))
        {
            File.WriteAllText(reportPath, report.ToString());
        }

        expected.Check(failures.Select(f => (f.Id, f.Detail)).ToList(), cases.Select(c => c.Id));
        var rate = (double)passed / Math.Max(1, passed + failures.Count);
        output.WriteLine($"pass rate {rate:P2} over {passed + failures.Count} tests");
        Assert.True(rate >= RequiredPassRate, $"pass rate {rate:P2} is below {RequiredPassRate:P0}");
    }
}
