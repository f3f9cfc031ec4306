using System.Text.Json.Nodes;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Loading;

namespace LightFabric.Rules;

/// <summary>
/// Holds the active <see cref="RuleSet"/> and swaps it atomically on reload. An invalid reload keeps the last good
/// rule set; requests in flight keep the snapshot they read.
/// </summary>
public sealed class RuleSetHolder(RuleSet initial)
{
    private RuleSet _current = initial;

    public RuleSet Current => Volatile.Read(ref _current);

    /// <summary>Loads <paramref name="ruleConfig"/>; swaps it in when valid, otherwise keeps the current set and returns the errors.</summary>
    public RuleSetLoadResult Reload(JsonObject? ruleConfig, ActionRegistry? actions = null, RuleEngineOptions? options = null)
    {
        var result = RuleSetLoader.Load(ruleConfig, actions, options ?? Current.Options);
        if (result.RuleSet is not null)
        {
            Interlocked.Exchange(ref _current, result.RuleSet);
        }

        return result;
    }
}
