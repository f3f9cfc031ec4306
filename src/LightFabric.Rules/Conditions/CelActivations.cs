using System.Text.Json.Nodes;
using LightFabric.Cel.Profiles;
using LightFabric.Cel.Runtime;

namespace LightFabric.Rules.Conditions;

/// <summary>Binds a rule context to CEL variables as a profile allows: top-level members and, when exposed, <c>context</c>.</summary>
internal static class CelActivations
{
    public static CelActivation Create(JsonObject context, CelProfile profile, JsonNode? row = null, bool bindRow = false) =>
        new RuleContextActivation(context, profile, row, bindRow);

    /// <summary>
    /// Resolves a variable when the expression first reads it: a rule context has a dozen roots and an expression
    /// usually reads one or two, so nothing is converted up front.
    /// </summary>
    private sealed class RuleContextActivation(JsonObject context, CelProfile profile, JsonNode? row, bool bindRow) : CelActivation
    {
        private Dictionary<string, CelValue>? _resolved;
        private bool? _qualified;

        // A root key with a dot (a promoted permission key such as "a.b") is looked up as a qualified name.
        public override bool HasQualifiedNames => _qualified ??= context.Any(p => p.Key.Contains('.'));

        public override bool TryResolve(string name, out CelValue value)
        {
            if (_resolved is not null && _resolved.TryGetValue(name, out value!))
            {
                return true;
            }

            object? raw;
            if (bindRow && name == "row")
            {
                raw = row;
            }
            else if (name == CelContext.ContextRootName)
            {
                if (!profile.ExposeContextRoot)
                {
                    value = null!;
                    return false;
                }

                raw = context;
            }
            else if (profile.ExposeTopLevelAliases && profile.AllowsRoot(name) && context.TryGetPropertyValue(name, out var node))
            {
                raw = node;
            }
            else
            {
                value = null!;
                return false;
            }

            value = CelValueConverter.FromClr(raw);
            (_resolved ??= new Dictionary<string, CelValue>(StringComparer.Ordinal))[name] = value;
            return true;
        }
    }
}
