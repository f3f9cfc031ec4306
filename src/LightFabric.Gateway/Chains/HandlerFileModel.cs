using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Gateway.Chains;

/// <summary>One <c>paths</c> entry of handler.yml.</summary>
public sealed record HandlerPathEntry(string Path, string Method, IReadOnlyList<string> Exec, string Key);

/// <summary>
/// handler.yml as written (after placeholder resolution and the additional* merges), before chains are
/// expanded. Parsing reports every problem with its key rather than stopping at the first.
/// </summary>
public sealed record HandlerFileModel
{
    public const string FileName = "handler.yml";

    private static readonly ConfigKeys PathKeys = ConfigKeys.ListOf(ConfigKeys.Map("path", "method", "exec"));

    /// <summary>
    /// What <see cref="Parse"/> reads; reportHandlerDuration and handlerMetricsLogLevel are accepted for light-4j files.
    /// A chain is a list or a map with exec.
    /// </summary>
    public static readonly ConfigKeys Keys = ConfigKeys.Map(
        "enabled", "basePath", "handlers", "additionalHandlers", "defaultHandlers", "reportHandlerDuration", "handlerMetricsLogLevel",
        ("chains", ConfigKeys.MapOf(ConfigKeys.Map("exec"))),
        ("additionalChains", ConfigKeys.MapOf(ConfigKeys.Map("exec"))),
        ("paths", PathKeys),
        ("additionalPaths", PathKeys));

    public bool Enabled { get; init; } = true;
    public string BasePath { get; init; } = "/";
    public IReadOnlyList<string> Handlers { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Chains { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyList<HandlerPathEntry> Paths { get; init; } = [];
    public IReadOnlyList<string> DefaultHandlers { get; init; } = [];

    public static HandlerFileModel Parse(JsonObject root, List<ConfigProblem> problems)
    {
        var chains = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        ParseChains(root, "chains", chains, problems);
        ParseChains(root, "additionalChains", chains, problems);

        var paths = new List<HandlerPathEntry>();
        ParsePaths(root, "paths", paths, problems);
        ParsePaths(root, "additionalPaths", paths, problems);

        return new HandlerFileModel
        {
            Enabled = ReadBool(root, "enabled", true, problems),
            BasePath = NormalizeBasePath(ReadString(root, "basePath") ?? "/"),
            Handlers = [.. List(root, "handlers"), .. List(root, "additionalHandlers")],
            Chains = chains,
            Paths = paths,
            DefaultHandlers = List(root, "defaultHandlers"),
        };
    }

    private static IReadOnlyList<string> List(JsonObject root, string key) => ConfigBinder.StringList(root[key]);

    private static void ParseChains(JsonObject root, string key, Dictionary<string, IReadOnlyList<string>> chains, List<ConfigProblem> problems)
    {
        var node = ConfigBinder.Structured(root[key]);
        if (node is null)
        {
            return;
        }

        if (node is not JsonObject map)
        {
            problems.Add(new ConfigProblem($"{key} must be a map of chain name to a list of handler ids", FileName, key));
            return;
        }

        foreach (var (name, value) in map)
        {
            var chainKey = $"{key}.{name}";
            // Both the light-4j list form and the {exec: [...]} form are accepted.
            var items = ConfigBinder.Structured(value) is JsonObject withExec ? withExec["exec"] : value;
            if (items is null && value is JsonObject)
            {
                problems.Add(new ConfigProblem("a chain in map form needs an 'exec' list", FileName, chainKey));
                continue;
            }

            if (!chains.TryAdd(name, ConfigBinder.StringList(items)))
            {
                problems.Add(new ConfigProblem($"chain '{name}' is defined twice (chains and additionalChains)", FileName, chainKey));
            }
        }
    }

    private static void ParsePaths(JsonObject root, string key, List<HandlerPathEntry> paths, List<ConfigProblem> problems)
    {
        var node = ConfigBinder.Structured(root[key]);
        if (node is null)
        {
            return;
        }

        if (node is not JsonArray array)
        {
            problems.Add(new ConfigProblem($"{key} must be a list of {{path, method, exec}} entries", FileName, key));
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var entryKey = $"{key}[{i}]";
            if (array[i] is not JsonObject entry)
            {
                problems.Add(new ConfigProblem("each entry needs path, method and exec", FileName, entryKey));
                continue;
            }

            var path = ReadString(entry, "path");
            var method = ReadString(entry, "method");
            var exec = ConfigBinder.StringList(entry["exec"]);
            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add(new ConfigProblem("path is missing", FileName, $"{entryKey}.path"));
            }

            if (string.IsNullOrWhiteSpace(method))
            {
                problems.Add(new ConfigProblem("method is missing (GET, POST, ...)", FileName, $"{entryKey}.method"));
            }

            if (exec.Count == 0)
            {
                problems.Add(new ConfigProblem("exec is empty; list the chains or handlers to run", FileName, $"{entryKey}.exec"));
            }

            if (!string.IsNullOrWhiteSpace(path) && !string.IsNullOrWhiteSpace(method))
            {
                paths.Add(new HandlerPathEntry(path.Trim(), method.Trim().ToUpperInvariant(), exec, entryKey));
            }
        }
    }

    private static string? ReadString(JsonObject node, string key) =>
        node[key] is JsonValue value ? value.ToString() : null;

    private static bool ReadBool(JsonObject node, string key, bool fallback, List<ConfigProblem> problems)
    {
        var value = node[key];
        if (value is null)
        {
            return fallback;
        }

        if (value is JsonValue v && (v.TryGetValue<bool>(out var b) || bool.TryParse(v.ToString(), out b)))
        {
            return b;
        }

        problems.Add(new ConfigProblem($"expected true or false, got '{value}'", FileName, key));
        return fallback;
    }

    private static string NormalizeBasePath(string basePath)
    {
        basePath = basePath.Trim();
        if (basePath.Length == 0 || basePath == "/")
        {
            return "/";
        }

        return "/" + basePath.Trim('/');
    }
}
