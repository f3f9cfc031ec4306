using System.Diagnostics;
using LightFabric.JsonSchema.Tests.Conformance;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>One validator's tally over one draft of the suite.</summary>
public sealed record SuiteTally(string Draft, string Validator, int Passed, int Failed, int Skipped)
{
    public double PassRate => (double)Passed / Math.Max(1, Passed + Failed);
}

/// <summary>A test group (one schema of the suite) in which the validators do not answer the same.</summary>
public sealed record GroupDisagreement(string Group, int Tests, int InHousePassed, int NetPassed, string InHouseDetail, string NetDetail);

/// <summary>Part 1: the required tests of the suite through both validators, with the same remotes mapping.</summary>
public sealed record SuiteComparison(IReadOnlyList<SuiteTally> Tallies, IReadOnlyList<GroupDisagreement> Disagreements, TimeSpan InHouseTime, TimeSpan NetTime)
{
    public const string InHouseName = "in-house";
    public const string NetName = "JsonSchema.Net 8.0.5";

    public static SuiteComparison Run(string suiteDirectory)
    {
        var cases = JsonSchemaTestSuite.Load(suiteDirectory);
        var remotes = JsonSchemaTestSuite.Remotes(suiteDirectory);
        var clock = Stopwatch.StartNew();
        var inHouse = JsonSchemaTestSuite.Run(cases, remotes, InHouse.Factory);
        var inHouseTime = clock.Elapsed;
        clock.Restart();
        var net = JsonSchemaTestSuite.Run(cases, remotes, JsonSchemaNetAdapter.SuiteFactory);
        var netTime = clock.Elapsed;

        var tallies = new List<SuiteTally>();
        foreach (var draft in JsonSchemaTestSuite.Drafts)
        {
            tallies.Add(Tally(draft, InHouseName, cases, inHouse));
            tallies.Add(Tally(draft, NetName, cases, net));
        }

        var disagreements = new List<GroupDisagreement>();
        var indexes = Enumerable.Range(0, cases.Count);
        foreach (var group in indexes.GroupBy(i => cases[i].Group))
        {
            var members = group.Where(i => !inHouse[i].Skipped && !net[i].Skipped).ToList();
            if (members.All(i => inHouse[i].Passed == net[i].Passed))
            {
                continue;
            }

            disagreements.Add(new GroupDisagreement(
                GroupName(cases[group.First()].Id), members.Count,
                members.Count(i => inHouse[i].Passed), members.Count(i => net[i].Passed),
                FirstFailure(members.Select(i => inHouse[i])), FirstFailure(members.Select(i => net[i]))));
        }

        return new SuiteComparison(tallies, disagreements, inHouseTime, netTime);
    }

    private static SuiteTally Tally(string draft, string validator, IReadOnlyList<SuiteCase> cases, IReadOnlyList<SuiteOutcome> outcomes)
    {
        var of = outcomes.Where((_, i) => cases[i].Draft == draft).ToList();
        return new SuiteTally(draft, validator, of.Count(o => o.Passed), of.Count(o => !o.Passed && !o.Skipped), of.Count(o => o.Skipped));
    }

    /// <summary>"draft/file.json: group description" of a case id "draft/file.json: group / test".</summary>
    private static string GroupName(string id)
    {
        var cut = id.LastIndexOf(" / ", StringComparison.Ordinal);
        return cut < 0 ? id : id[..cut];
    }

    private static string FirstFailure(IEnumerable<SuiteOutcome> outcomes) =>
        outcomes.FirstOrDefault(o => !o.Passed) is { } failed ? $"{failed.Id[(failed.Id.LastIndexOf(" / ", StringComparison.Ordinal) + 3)..]}: {failed.Detail}" : "";
}
