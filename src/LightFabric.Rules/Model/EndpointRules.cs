using System.Text.Json.Nodes;

namespace LightFabric.Rules.Model;

/// <summary>One entry of <c>endpointRules</c>: rule ids per phase plus the permission values injected into the context.</summary>
public sealed class EndpointRules
{
    /// <summary>The key as written, e.g. <c>/v1/accounts@get</c> or <c>echo@call</c>.</summary>
    public required string EndpointKey { get; init; }

    /// <summary>Rule ids per phase, in list order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Phases { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The <c>permission</c> block (roles, row, col, …), or null. Shared: never mutate; the engine copies it.</summary>
    public JsonObject? Permission { get; init; }

    /// <summary>The optional <c>visibility</c> block for tools/list filtering, or null.</summary>
    public JsonObject? Visibility { get; init; }

    /// <summary>The rule ids of <paramref name="phase"/>, or an empty list.</summary>
    public IReadOnlyList<string> RulesFor(string phase) => Phases.TryGetValue(phase, out var ids) ? ids : [];
}
