using LightFabric.Rules.Endpoints;
using LightFabric.Rules.Loading;
using LightFabric.Rules.Model;

namespace LightFabric.Rules;

/// <summary>
/// An immutable, validated rule.yml snapshot: rule bodies with their conditions compiled and actions resolved, and
/// endpoint rules with their lookup index. Safe to share between threads; replace it as a whole on reload.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(
        IReadOnlyDictionary<string, RuleDefinition> rules,
        IReadOnlyDictionary<string, EndpointRules> endpoints,
        RuleEngineOptions options,
        IReadOnlyList<RuleConfigIssue> warnings)
    {
        Rules = rules;
        Endpoints = endpoints;
        Options = options;
        Warnings = warnings;
        Matcher = new EndpointMatcher(endpoints.Values);
    }

    /// <summary>A rule set with no rules and no endpoints.</summary>
    public static RuleSet Empty { get; } = new(
        new Dictionary<string, RuleDefinition>(), new Dictionary<string, EndpointRules>(), RuleEngineOptions.Default, []);

    public IReadOnlyDictionary<string, RuleDefinition> Rules { get; }

    public IReadOnlyDictionary<string, EndpointRules> Endpoints { get; }

    public RuleEngineOptions Options { get; }

    /// <summary>Problems that did not prevent loading (unknown fields, unused rules).</summary>
    public IReadOnlyList<RuleConfigIssue> Warnings { get; }

    internal EndpointMatcher Matcher { get; }

    /// <summary>The endpoint rules for <paramref name="endpoint"/> (exact, then template, then parent path), or null.</summary>
    public EndpointMatch? FindEndpoint(string endpoint) => Matcher.Find(endpoint);
}
