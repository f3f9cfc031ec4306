using LightFabric.Config;

namespace LightFabric.Gateway.Chains;

/// <summary>handler.yml as written; <see cref="HandlerFileModel.Parse"/> checks it into the model chains are expanded from.</summary>
public sealed record HandlerFileConfig
{
    public bool Enabled { get; init; } = true;

    public string? BasePath { get; init; }

    public IReadOnlyList<string> Handlers { get; init; } = [];

    public IReadOnlyList<string> AdditionalHandlers { get; init; } = [];

    public IReadOnlyList<string> DefaultHandlers { get; init; } = [];

    /// <summary>An entry that did not bind at all is null (already reported).</summary>
    public IReadOnlyDictionary<string, HandlerChainConfig?> Chains { get; init; } = new Dictionary<string, HandlerChainConfig?>();

    public IReadOnlyDictionary<string, HandlerChainConfig?> AdditionalChains { get; init; } = new Dictionary<string, HandlerChainConfig?>();

    public IReadOnlyList<HandlerPathConfig?> Paths { get; init; } = [];

    public IReadOnlyList<HandlerPathConfig?> AdditionalPaths { get; init; } = [];

    /// <summary>Accepted for light-4j files; the gateway's timing is in its per-request log.</summary>
    public bool? ReportHandlerDuration { get; init; }

    /// <summary>Accepted for light-4j files.</summary>
    public string? HandlerMetricsLogLevel { get; init; }
}

/// <summary>A chain: the light-4j list form (<c>name: [a, b]</c>) or the map form (<c>name: {exec: [a, b]}</c>).</summary>
[ConfigShorthand("exec")]
public sealed record HandlerChainConfig
{
    public IReadOnlyList<string>? Exec { get; init; }
}

/// <summary>One <c>paths</c> entry as written.</summary>
public sealed record HandlerPathConfig
{
    public string? Path { get; init; }

    public string? Method { get; init; }

    public IReadOnlyList<string> Exec { get; init; } = [];
}
