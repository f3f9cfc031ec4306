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

    private IReadOnlyList<string>? _accessRuleIds;
    private IReadOnlyList<string>? _responseFilterIds;

    /// <summary>The rule ids of <paramref name="phase"/>, or an empty list.</summary>
    public IReadOnlyList<string> RulesFor(string phase) => Phases.TryGetValue(phase, out var ids) ? ids : [];

    /// <summary>The rules that decide a call: <c>req-acc</c>, then <c>access-control</c> (computed once; the entry is immutable).</summary>
    internal IReadOnlyList<string> AccessRuleIds =>
        _accessRuleIds ??= [.. RulesFor(RulePhases.RequestAccess), .. RulesFor(RulePhases.AccessControl)];

    /// <summary>
    /// The <c>res-fil</c> rules in the order they run: row filters, then column filters, then the rest, list order
    /// within each (computed once; an entry belongs to one rule set).
    /// </summary>
    internal IReadOnlyList<string> ResponseFilterIds(RuleSet ruleSet) =>
        _responseFilterIds ??= RulesFor(RulePhases.ResponseFilter)
            .Select((id, i) => (id, i, order: ruleSet.Rules.TryGetValue(id, out var r) ? r.ResponseFilterOrder : 2))
            .OrderBy(x => x.order).ThenBy(x => x.i).Select(x => x.id).ToArray();
}
