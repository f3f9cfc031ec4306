using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Loading;

/// <summary>Reads one action of a rule and resolves it to a registered plugin, letting validating plugins check their values.</summary>
internal sealed class ActionRowReader(ActionRegistry registry, RuleConfigIssues issues)
{
    private static readonly HashSet<string> ActionFields = new(StringComparer.Ordinal)
    {
        "actionId", "actionRef", "actionClassName", "actionValues", "actionDesc", "actionName",
    };

    public RuleActionDefinition? Read(JsonNode? node, string path, CelProfile profile)
    {
        if (node is not JsonObject o)
        {
            issues.Error(path, "expected an action map");
            return null;
        }

        foreach (var (field, _) in o)
        {
            if (!ActionFields.Contains(field))
            {
                issues.Unknown(path, field, "action");
            }
        }

        var name = issues.Text(o, "actionRef", path) ?? issues.Text(o, "actionClassName", path);
        if (name is null)
        {
            issues.Error($"{path}.actionClassName", "actionClassName (or actionRef) is required");
            return null;
        }

        if (!registry.TryResolve(name, out var plugin))
        {
            issues.Error($"{path}.actionClassName", $"no action is registered as '{name}'");
            return null;
        }

        var values = o["actionValues"]?.DeepClone();
        if (plugin is IValidatingRuleAction validating)
        {
            var problems = validating.Validate(values, profile).ToList();
            foreach (var problem in problems)
            {
                issues.Error($"{path}.actionValues", problem);
            }

            if (problems.Count > 0)
            {
                return null;
            }
        }

        return new RuleActionDefinition { ActionId = issues.Text(o, "actionId", path), ActionRef = name.Trim(), ActionValues = values, Plugin = plugin };
    }
}
