using System.Globalization;
using System.Text;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>results.md: the command, the machine, both parts' figures, the probes and the decision they lead to.</summary>
public sealed class ResultsReport(
    string command,
    string job,
    string machine,
    SuiteComparison suite,
    IReadOnlyList<ToolSchemaCheck> checks,
    IReadOnlyList<SpeedRow> speed,
    IReadOnlyList<ProbeOutcome> probes)
{
    private const int ListedDisagreements = 20;

    private static readonly (string Step, string InHouse, string Net, string NetFromNode)[] Steps =
    [
        ("compile", nameof(ToolSchemaBenchmarks.CompileInHouse), nameof(ToolSchemaBenchmarks.CompileNet), nameof(ToolSchemaBenchmarks.CompileNetFromNode)),
        ("validate, valid value", nameof(ToolSchemaBenchmarks.ValidInHouse), nameof(ToolSchemaBenchmarks.ValidNet), nameof(ToolSchemaBenchmarks.ValidNetFromNode)),
        ("validate, invalid value", nameof(ToolSchemaBenchmarks.InvalidInHouse), nameof(ToolSchemaBenchmarks.InvalidNet), nameof(ToolSchemaBenchmarks.InvalidNetFromNode)),
    ];

    private readonly StringBuilder _text = new();

    public string Render()
    {
        Line("# JSON Schema validators: the in-house validator against JsonSchema.Net 8.0.5");
        Line();
        Line($"Command: `{command}`  ");
        Line($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  ");
        Line($"Machine: {machine} (2 cores shared with other builds: single figures move by tens of percent between runs, the ratios less)  ");
        Line("In-house: `LightFabric.JsonSchema` with `JsonSchemaOptions.Default` (the gateway's defaults: size, depth, step and regex bounds on), through the facade (`JsonSchema.Compile`, `Validate`)  ");
        Line("JsonSchema.Net 8.0.5 (MIT; 9.0 and newer are not free for companies): each schema built with its own `SchemaRegistry`, read as draft 2020-12 when it names no `$schema` (as the in-house validator does), evaluated with `OutputFormat.List` (the errors a tool error lists) in part 2 and `OutputFormat.Flag` in part 1");
        Line();
        PassRates();
        Speed();
        Probes();
        Decision();
        return _text.ToString().Replace("\r", "", StringComparison.Ordinal);
    }

    private void PassRates()
    {
        Line("## Part 1: pass rate on the JSON Schema Test Suite");
        Line();
        Line("The required tests (not `optional/`) of `tests/draft2020-12` and `tests/draft7`, loaded and run by the conformance");
        Line("test's own code (`tests/LightFabric.JsonSchema.Tests/Conformance/JsonSchemaTestSuite.cs`), so both validators get the");
        Line("same cases: a draft-07 schema gets the draft-07 `$schema`, `remotes/` is handed to both as the documents of");
        Line("`http://localhost:1234/…` (nothing is fetched), and a test whose schema refers to a json-schema.org meta-schema is skipped");
        Line("for both. A schema that does not compile fails its tests.");
        Line();
        Line("| draft | validator | passed | failed | skipped | pass rate |");
        Line("|---|---|---:|---:|---:|---:|");
        foreach (var t in suite.Tallies)
        {
            Line($"| {t.Draft} | {t.Validator} | {t.Passed} | {t.Failed} | {t.Skipped} | {t.PassRate:P2} |");
        }

        foreach (var validator in new[] { SuiteComparison.InHouseName, SuiteComparison.NetName })
        {
            var of = suite.Tallies.Where(t => t.Validator == validator).ToList();
            Line($"| both | **{validator}** | **{of.Sum(t => t.Passed)}** | **{of.Sum(t => t.Failed)}** | {of.Sum(t => t.Skipped)} | **{(double)of.Sum(t => t.Passed) / Math.Max(1, of.Sum(t => t.Passed + t.Failed)):P2}** |");
        }

        Line();
        Line($"Test groups (one schema each) in which the two answer differently: {suite.Disagreements.Count}{(suite.Disagreements.Count > ListedDisagreements ? $", the first {ListedDisagreements}" : "")}.");
        Line();
        if (suite.Disagreements.Count > 0)
        {
            Line("| group | tests | in-house passed | JsonSchema.Net passed | first failing test and why |");
            Line("|---|---:|---:|---:|---|");
            foreach (var d in suite.Disagreements.Take(ListedDisagreements))
            {
                var failures = string.Join("<br>", new[] { ("in-house", d.InHouseDetail), ("JsonSchema.Net", d.NetDetail) }
                    .Where(f => f.Item2.Length > 0).Select(f => $"{f.Item1}: {Cell(f.Item2)}"));
                Line($"| {Cell(d.Group)} | {d.Tests} | {d.InHousePassed} | {d.NetPassed} | {failures} |");
            }

            Line();
        }

        Line($"One pass over all {suite.Tallies.Where(t => t.Validator == SuiteComparison.InHouseName).Sum(t => t.Passed + t.Failed + t.Skipped)} cases (compiling each group's schema once, first calls included, so not a speed");
        Line($"figure): in-house {suite.InHouseTime.TotalMilliseconds:0} ms, JsonSchema.Net {suite.NetTime.TotalMilliseconds:0} ms.");
        Line();
    }

    private void Speed()
    {
        Line("## Part 2: compile and validate tool schemas");
        Line();
        Line(job == "dry"
            ? "BenchmarkDotNet 0.14.0, `Dry` job (one call per benchmark: a smoke check of the harness, **not figures to keep**), in-process toolchain, memory"
            : "BenchmarkDotNet 0.14.0, `ShortRun` job (3 warm-up and 3 measured iterations), in-process toolchain, memory");
        Line("diagnoser; mean time and bytes allocated per operation. The schemas are the MCP tool schemas of the gateway's tests:");
        Line();
        foreach (var c in ToolSchemaCase.All)
        {
            var check = checks.First(k => k.Case == c.Name);
            Line($"- **{c.Name}**: {c.Source}. Schema {Bytes(c.Schema.ToJsonString())}, valid value {Bytes(c.Valid.ToJsonString())}, invalid value {Bytes(c.Invalid.ToJsonString())} (errors reported: in-house {check.InHouseErrors}, at most 10 by default; JsonSchema.Net {check.NetErrors}).");
        }

        Line();
        Line("Every value was checked first: both validators accept the valid one and refuse the invalid one. *JsonSchema.Net from");
        Line("JsonNode* adds turning the router's `JsonNode` into the `JsonElement` JsonSchema.Net reads (`JsonSerializer.SerializeToElement`):");
        Line("what it would cost behind today's facade, whose callers hold arguments and `structuredContent` as `JsonNode`.");
        Line();
        Line("| schema | step | in-house | allocated | JsonSchema.Net | allocated | JsonSchema.Net ÷ in-house (time) | JsonSchema.Net from JsonNode | allocated |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in ToolSchemaCase.All)
        {
            foreach (var (step, inHouseMethod, netMethod, fromNodeMethod) in Steps)
            {
                var inHouse = Row(c.Name, inHouseMethod);
                var net = Row(c.Name, netMethod);
                var fromNode = Row(c.Name, fromNodeMethod);
                Line($"| {c.Name} | {step} | {Time(inHouse.MeanNs)} | {Allocated(inHouse)} | {Time(net.MeanNs)} | {Allocated(net)} | {net.MeanNs / inHouse.MeanNs:0.0}× | {Time(fromNode.MeanNs)} | {Allocated(fromNode)} |");
            }
        }

        Line();
        var (compile, validate) = (GeometricRatio(0), GeometricRatio(1, 2));
        Line($"Geometric mean of JsonSchema.Net's time ÷ the in-house time: compile {compile:0.0}×, validate {validate:0.0}× (valid and invalid values, JsonElement given).");
        Line("A schema is compiled once, when the configuration is loaded or reloaded; validation runs on every call (arguments) and");
        Line("every result (structuredContent). Where the in-house compile is the slower one, the schema has `pattern`s: it builds each");
        Line("pattern's linear-time regex (`RegexOptions.NonBacktracking`) while compiling, which is most of that time and memory.");
        Line();
    }

    private void Probes()
    {
        Line("## Hostile inputs");
        Line();
        Line("Each once, with the gateway's default bounds on the in-house side and JsonSchema.Net's defaults on the other (it has no");
        Line("step, depth or regex-time bound to set). Times are wall clock on the shared machine.");
        Line();
        Line("| input | in-house | JsonSchema.Net 8.0.5 |");
        Line("|---|---|---|");
        foreach (var p in probes)
        {
            Line($"| {Cell(p.Probe)} | {Cell(p.InHouse)} | {Cell(p.Net)} |");
        }

        Line();
    }

    private void Decision()
    {
        var inHouse = Total(SuiteComparison.InHouseName);
        var net = Total(SuiteComparison.NetName);
        var validate = GeometricRatio(1, 2);
        var compile = GeometricRatio(0);
        var keepInHouse = inHouse.Passed > net.Passed || (inHouse.Passed == net.Passed && validate >= 1);
        Line("## Decision");
        Line();
        Line(keepInHouse
            ? "**The product keeps the in-house validator** behind the `JsonSchema` facade."
            : "**JsonSchema.Net 8.0.5 would be the better validator by these figures**; the product keeps the in-house validator until it is wrapped in the bounds below.");
        Line();
        var passWord = inHouse.Passed > net.Passed ? "more" : inHouse.Passed == net.Passed ? "as many" : "fewer";
        Line($"- **Pass rate first.** In-house {inHouse.Passed} of {inHouse.Passed + inHouse.Failed}, JsonSchema.Net {net.Passed} of {net.Passed + net.Failed} required tests: the in-house validator passes {passWord}. The two differ only in the groups listed above.");
        Line($"- **Then speed.** On the tool schemas JsonSchema.Net takes {validate:0.0}× the in-house time to validate and {compile:0.0}× to compile (geometric means; every row is in the table above), before the JsonNode → JsonElement conversion it would need behind the facade. Validation is the per-call cost; compiling happens at load.");
        Line("- **Safety bounds**, which JsonSchema.Net would need added around it: the in-house validator refuses a schema over `maxSchemaBytes` (1 MiB), nested deeper than `maxSchemaDepth` (64) or with more than `maxSubschemas` (4096); refuses a value deeper than `maxValueDepth` (128) without walking it; stops a validation after `maxSteps` (200,000) work units (fail closed, the tool error says so); limits nested subschema applications to 512; matches `pattern` with the linear-time regex engine, or with a `patternTimeoutMs` (100 ms) timeout where a pattern needs backtracking; references are never fetched. All are `mcp-router.yml` `schemaValidation:` keys (docs/mcp-router.md, `JsonSchemaOptions`). The hostile inputs above show what their absence costs: seconds of a thread per call, or the process.");
        Line();
    }

    private (int Passed, int Failed) Total(string validator)
    {
        var of = suite.Tallies.Where(t => t.Validator == validator).ToList();
        return (of.Sum(t => t.Passed), of.Sum(t => t.Failed));
    }

    private double GeometricRatio(params int[] stepIndexes)
    {
        var logs = new List<double>();
        foreach (var c in ToolSchemaCase.All)
        {
            foreach (var i in stepIndexes)
            {
                logs.Add(Math.Log(Row(c.Name, Steps[i].Net).MeanNs / Row(c.Name, Steps[i].InHouse).MeanNs));
            }
        }

        return Math.Exp(logs.Average());
    }

    private SpeedRow Row(string caseName, string method) =>
        speed.FirstOrDefault(r => r.Case == caseName && r.Method == method)
        ?? throw new InvalidOperationException($"no measurement of {method} on {caseName}");

    private static string Time(double ns) => ns switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns:0} ns"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000:0.00} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000:0.00} ms"),
    };

    private static string Allocated(SpeedRow row) => row.AllocatedBytes switch
    {
        null => "n/a",
        < 10_000 => $"{row.AllocatedBytes} B",
        _ => string.Create(CultureInfo.InvariantCulture, $"{row.AllocatedBytes / 1024.0:0.0} KiB"),
    };

    private static string Bytes(string json) => $"{System.Text.Encoding.UTF8.GetByteCount(json):N0} B";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private void Line(string text = "") => _text.Append(text).Append('\n');
}
