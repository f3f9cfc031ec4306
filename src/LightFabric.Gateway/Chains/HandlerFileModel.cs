using System.Text.Json.Nodes;
using LightFabric.Config;

namespace LightFabric.Gateway.Chains;

/// <summary>One <c>paths</c> entry of handler.yml.</summary>
public sealed record HandlerPathEntry(string Path, string Method, IReadOnlyList<string> Exec, string Key);

/// <summary>
/// handler.yml checked (after placeholder resolution and the additional* merges), before chains are expanded.
/// Parsing binds <see cref="HandlerFileConfig"/> and reports every problem with its key rather than stopping at the first.
/// </summary>
public sealed record HandlerFileModel
{
    public const string FileName = "handler.yml";

    /// <summary>The keys handler.yml takes; derived from <see cref="HandlerFileConfig"/>.</summary>
    public static readonly ConfigKeys Keys = ConfigKeys.For<HandlerFileConfig>();

    public bool Enabled { get; init; } = true;
    public string BasePath { get; init; } = "/";
    public IReadOnlyList<string> Handlers { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Chains { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyList<HandlerPathEntry> Paths { get; init; } = [];
    public IReadOnlyList<string> DefaultHandlers { get; init; } = [];

    public static HandlerFileModel Parse(JsonObject root, List<ConfigProblem> problems)
    {
        var config = ConfigBinder.BindEach<HandlerFileConfig>(root, FileName, null, problems);
        var chains = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        AddChains(config.Chains, "chains", chains, problems);
        AddChains(config.AdditionalChains, "additionalChains", chains, problems);

        var paths = new List<HandlerPathEntry>();
        AddPaths(config.Paths, "paths", paths, problems);
        AddPaths(config.AdditionalPaths, "additionalPaths", paths, problems);

        return new HandlerFileModel
        {
            Enabled = config.Enabled,
            BasePath = NormalizeBasePath(config.BasePath ?? "/"),
            Handlers = [.. config.Handlers, .. config.AdditionalHandlers],
            Chains = chains,
            Paths = paths,
            DefaultHandlers = config.DefaultHandlers,
        };
    }

    private static void AddChains(
        IReadOnlyDictionary<string, HandlerChainConfig?> written, string key, Dictionary<string, IReadOnlyList<string>> chains, List<ConfigProblem> problems)
    {
        foreach (var (name, chain) in written)
        {
            var chainKey = $"{key}.{name}";
            if (chain is { Exec: null })
            {
                problems.Add(new ConfigProblem("a chain in map form needs an 'exec' list", FileName, chainKey));
                continue;
            }

            if (!chains.TryAdd(name, chain?.Exec ?? []))
            {
                problems.Add(new ConfigProblem($"chain '{name}' is defined twice (chains and additionalChains)", FileName, chainKey));
            }
        }
    }

    private static void AddPaths(IReadOnlyList<HandlerPathConfig?> written, string key, List<HandlerPathEntry> paths, List<ConfigProblem> problems)
    {
        for (var i = 0; i < written.Count; i++)
        {
            var entryKey = $"{key}[{i}]";
            if (written[i] is not { } entry)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(entry.Path))
            {
                problems.Add(new ConfigProblem("path is missing", FileName, $"{entryKey}.path"));
            }

            if (string.IsNullOrWhiteSpace(entry.Method))
            {
                problems.Add(new ConfigProblem("method is missing (GET, POST, ...)", FileName, $"{entryKey}.method"));
            }

            if (entry.Exec.Count == 0)
            {
                problems.Add(new ConfigProblem("exec is empty; list the chains or handlers to run", FileName, $"{entryKey}.exec"));
            }

            if (!string.IsNullOrWhiteSpace(entry.Path) && !string.IsNullOrWhiteSpace(entry.Method))
            {
                paths.Add(new HandlerPathEntry(entry.Path.Trim(), entry.Method.Trim().ToUpperInvariant(), entry.Exec, entryKey));
            }
        }
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
