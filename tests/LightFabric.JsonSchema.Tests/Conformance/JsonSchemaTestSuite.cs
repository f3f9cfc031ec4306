using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema.Tests.Conformance;

/// <summary>One test of the official JSON Schema Test Suite: a schema, a value and whether the value is valid.</summary>
public sealed record SuiteCase(string Id, string Draft, int Group, JsonNode? Schema, JsonNode? Data, bool Valid);

/// <summary>The outcome of one case under one validator.</summary>
public sealed record SuiteOutcome(string Id, bool Passed, bool Skipped, string Detail);

/// <summary>
/// Compiles a schema for the suite: answers a check of one value, or throws when the schema does not compile.
/// <paramref name="remotes"/> are the suite's <c>remotes/</c> documents by their <c>http://localhost:1234/…</c> URI.
/// </summary>
public delegate Func<JsonNode?, bool> SuiteValidatorFactory(JsonNode? schema, IReadOnlyDictionary<string, JsonNode> remotes);

/// <summary>
/// The official JSON Schema Test Suite (<c>tests/draft2020-12</c>, <c>tests/draft7</c>; the required tests only, not
/// <c>optional/</c>) and its <c>remotes/</c>, mapped to the URIs the tests name so no network is used. Shared by the
/// conformance test and the benchmark, so both count the same cases the same way.
/// </summary>
public static class JsonSchemaTestSuite
{
    public const string SharedPath = "conformance/json-schema";
    public const string DirectoryVariable = "JSON_SCHEMA_CONFORMANCE_DIR";
    public const string ReportVariable = "JSON_SCHEMA_CONFORMANCE_REPORT";
    public const string RemoteBase = "http://localhost:1234/";

    public static readonly string[] Drafts = ["draft2020-12", "draft7"];

    /// <summary>
    /// Meta-schemas are not part of <c>remotes/</c>; a case whose schema refers to one would need the network, so it
    /// is skipped (counted, with this reason).
    /// </summary>
    public const string MetaSchemaSkip = "refers to a json-schema.org meta-schema, which is not in remotes/ (no network)";

    public static IReadOnlyList<SuiteCase> Load(string directory)
    {
        var cases = new List<SuiteCase>();
        var groups = 0;
        foreach (var draft in Drafts)
        {
            var folder = Path.Combine(directory, "tests", draft);
            foreach (var file in Directory.GetFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var group in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
                {
                    var groupName = group!["description"]!.GetValue<string>();
                    groups++;
                    var schema = WithDialect(group["schema"], draft);
                    foreach (var test in group["tests"]!.AsArray())
                    {
                        var id = $"{draft}/{name}: {groupName} / {test!["description"]!.GetValue<string>()}";
                        for (var n = 2; !seen.Add(id); n++)
                        {
                            id = $"{draft}/{name}: {groupName} / {test["description"]!.GetValue<string>()} #{n}";
                        }

                        cases.Add(new SuiteCase(id, draft, groups, schema, test["data"], test["valid"]!.GetValue<bool>()));
                    }
                }
            }
        }

        return cases;
    }

    /// <summary>
    /// The draft-07 files do not name their dialect (the suite expects the runner to); a validator reads a schema
    /// without <c>$schema</c> as 2020-12, so the draft-07 meta-schema URI is added to each draft-07 schema object.
    /// </summary>
    private static JsonNode? WithDialect(JsonNode? schema, string draft)
    {
        if (draft != "draft7" || schema is not JsonObject o || o.ContainsKey("$schema"))
        {
            return schema;
        }

        var copy = o.DeepClone().AsObject();
        copy.Insert(0, "$schema", "http://json-schema.org/draft-07/schema#");
        return copy;
    }

    /// <summary>Every file under <c>remotes/</c> by the URI the tests use for it.</summary>
    public static IReadOnlyDictionary<string, JsonNode> Remotes(string directory)
    {
        var root = Path.Combine(directory, "remotes");
        var remotes = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(root, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            remotes[RemoteBase + relative] = JsonNode.Parse(File.ReadAllText(file))!;
        }

        return remotes;
    }

    /// <summary>Runs every case; schemas are compiled once per group (cases sharing a schema object).</summary>
    public static IReadOnlyList<SuiteOutcome> Run(IReadOnlyList<SuiteCase> cases, IReadOnlyDictionary<string, JsonNode> remotes, SuiteValidatorFactory factory)
    {
        var outcomes = new List<SuiteOutcome>(cases.Count);
        var compiledFor = -1;
        Func<JsonNode?, bool>? check = null;
        string? compileProblem = null;
        foreach (var c in cases)
        {
            if (NeedsMetaSchema(c.Schema))
            {
                outcomes.Add(new SuiteOutcome(c.Id, false, true, MetaSchemaSkip));
                continue;
            }

            if (compiledFor != c.Group)
            {
                compiledFor = c.Group;
                try
                {
                    check = factory(c.Schema, remotes);
                    compileProblem = null;
                }
                catch (Exception e)
                {
                    check = null;
                    compileProblem = "does not compile: " + e.Message;
                }
            }

            if (check is null)
            {
                outcomes.Add(new SuiteOutcome(c.Id, false, false, compileProblem!));
                continue;
            }

            try
            {
                var valid = check(c.Data);
                outcomes.Add(new SuiteOutcome(c.Id, valid == c.Valid, false, valid == c.Valid ? "" : $"answered {(valid ? "valid" : "invalid")}, expected {(c.Valid ? "valid" : "invalid")}"));
            }
            catch (Exception e)
            {
                outcomes.Add(new SuiteOutcome(c.Id, false, false, "validation threw: " + e.Message));
            }
        }

        return outcomes;
    }

    private static bool NeedsMetaSchema(JsonNode? schema)
    {
        var stack = new Stack<JsonNode?>();
        stack.Push(schema);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key is "$ref" or "$dynamicRef" && value is JsonValue v && v.TryGetValue<string>(out var target)
                            && target.Contains("json-schema.org/", StringComparison.Ordinal))
                        {
                            return true;
                        }

                        stack.Push(value);
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        stack.Push(item);
                    }

                    break;
            }
        }

        return false;
    }
}
