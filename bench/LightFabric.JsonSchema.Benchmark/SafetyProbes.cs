using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using NetSchema = Json.Schema.JsonSchema;

namespace LightFabric.JsonSchema.Benchmark;

/// <summary>One hostile input and what each validator did with it.</summary>
public sealed record ProbeOutcome(string Probe, string InHouse, string Net);

/// <summary>
/// Hostile schemas and values of the kind the in-house bounds are for (step budget, value depth, regex engine), run
/// once through each validator with the gateway's default options. Sizes are chosen so JsonSchema.Net finishes in
/// seconds; each extra level or character roughly doubles its time.
/// </summary>
public static class SafetyProbes
{
    public const string DeepChildFlag = "--probe-deep-instance";
    public const int DeepLevels = 5_000;

    private const string DeepSchema = """{"$defs":{"a":{"items":{"$ref":"#/$defs/a"}}},"$ref":"#/$defs/a"}""";

    public static IReadOnlyList<ProbeOutcome> Run()
    {
        var backtracking = new string('a', 26) + "!";
        var nesting = 16;
        return
        [
            Probe($"`pattern: \"^(a+)+b$\"` on a {backtracking.Length}-character string (catastrophic backtracking)",
                """{"type":"string","pattern":"^(a+)+b$"}""", JsonValue.Create(backtracking)),
            Probe($"`oneOf` of two branches that both recurse into `items`, on arrays nested {nesting} deep (`[[[…]]]`, {2 * nesting} bytes): 2^{nesting} subschema applications",
                """{"$defs":{"a":{"oneOf":[{"items":{"$ref":"#/$defs/a"}},{"items":{"$ref":"#/$defs/a"}}]}},"$ref":"#/$defs/a"}""",
                JsonNode.Parse(new string('[', nesting) + new string(']', nesting))),
            Probe("`{\"$ref\": \"#\"}` (a reference cycle that consumes nothing) on `1`", """{"$ref":"#"}""", JsonValue.Create(1)),
            DeepInstance(),
        ];
    }

    /// <summary>Child mode: validates the deep instance with JsonSchema.Net and prints the answer, if the process survives.</summary>
    public static int RunDeepChild()
    {
        var schema = JsonSchemaNetAdapter.Build(JsonDocument.Parse(DeepSchema).RootElement);
        using var document = JsonDocument.Parse(Nested(DeepLevels), new JsonDocumentOptions { MaxDepth = DeepLevels + 1 });
        Console.WriteLine("valid: " + schema.Evaluate(document.RootElement, JsonSchemaNetAdapter.ListOutput).IsValid);
        return 0;
    }

    private static ProbeOutcome Probe(string name, string schemaJson, JsonNode? instance)
    {
        return new ProbeOutcome(name, Timed(() => InHouse(schemaJson, instance)), Timed(() => Net(schemaJson, instance)));
    }

    private static string InHouse(string schemaJson, JsonNode? instance)
    {
        if (!JsonSchema.TryCompile(JsonNode.Parse(schemaJson), out var schema, out var problem))
        {
            return "does not compile: " + problem;
        }

        var result = schema!.Validate(instance);
        return result.IsValid ? "valid" : "invalid: " + result.Errors[^1];
    }

    private static string Net(string schemaJson, JsonNode? instance)
    {
        NetSchema schema;
        try
        {
            schema = JsonSchemaNetAdapter.Build(JsonDocument.Parse(schemaJson).RootElement);
        }
        catch (Json.Schema.JsonSchemaException e)
        {
            return "does not compile: " + e.Message;
        }

        var result = schema.Evaluate(JsonSchemaNetAdapter.ToElement(instance), JsonSchemaNetAdapter.ListOutput);
        return (result.IsValid ? "valid" : "invalid") + $" (errors listed: {ToolSchemaCheck.ErrorCount(result)})";
    }

    private static string Timed(Func<string> run)
    {
        var clock = Stopwatch.StartNew();
        var answer = run();
        return $"{answer} — {Duration(clock.Elapsed)}";
    }

    private static string Duration(TimeSpan t) =>
        t.TotalMilliseconds < 1 ? $"{t.TotalMicroseconds:0} µs" : t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0.0} ms" : $"{t.TotalSeconds:0.00} s";

    /// <summary>
    /// A value nested 5,000 levels, under a schema that recurses with it. The gateway's parser stops at 64 levels, so
    /// this reaches a validator only through a caller that parses deeper; JsonSchema.Net runs in a child process
    /// because a stack overflow ends the process.
    /// </summary>
    private static ProbeOutcome DeepInstance()
    {
        var name = $"arrays nested {DeepLevels:N0} deep under a schema that recurses with them (parsed with a deeper limit than the gateway's 64)";
        var instance = JsonNode.Parse(Nested(DeepLevels), documentOptions: new JsonDocumentOptions { MaxDepth = DeepLevels + 1 });
        var inHouse = Timed(() => InHouse(DeepSchema, instance));
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SafetyProbes).Assembly.Location);
        }

        start.ArgumentList.Add(DeepChildFlag);
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        var overflow = stderr.Result.Contains("Stack overflow", StringComparison.Ordinal);
        var net = child.ExitCode == 0
            ? stdout.Result.Trim()
            : overflow ? $"the process ended with a stack overflow (exit code {child.ExitCode})" : $"the process failed (exit code {child.ExitCode})";
        return new ProbeOutcome(name, inHouse, $"{net} — {Duration(clock.Elapsed)} (child process, including its start)");
    }

    private static string Nested(int levels) => new string('[', levels) + new string(']', levels);
}
