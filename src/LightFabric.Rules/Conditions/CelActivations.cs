using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Rules.Conditions;

/// <summary>Binds a rule context to CEL variables as a profile allows: top-level members and, when exposed, <c>context</c>.</summary>
internal static class CelActivations
{
    public static CelActivation Create(JsonObject context, CelProfile profile, JsonNode? row = null, bool bindRow = false)
    {
        var variables = new List<KeyValuePair<string, object?>>(context.Count + 2);
        if (profile.ExposeTopLevelAliases)
        {
            foreach (var (name, value) in context)
            {
                if ((bindRow && name == "row") || !profile.AllowsRoot(name) || name == CelContext.ContextRootName)
                {
                    continue;
                }

                variables.Add(new(name, value));
            }
        }

        if (bindRow)
        {
            variables.Add(new("row", row));
        }

        if (profile.ExposeContextRoot)
        {
            variables.Add(new(CelContext.ContextRootName, context));
        }

        return CelActivation.FromVariables(variables);
    }
}
