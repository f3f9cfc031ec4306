using System.Text.Json.Nodes;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Actions;

/// <summary>
/// <c>res-fil</c>: keeps only the response fields the caller may see. Configuration (root <c>col</c>, from
/// <c>permission.col</c>): <c>{dimension: {claimValue: columns}}</c> where columns is a JSON-array string
/// (<c>'["accountNo","userId"]'</c>), a comma-separated string (<c>"a,b,c"</c>) or a list — a keep-list; a value
/// starting with <c>!</c> (<c>"!ssn,salary"</c>) is a remove-list. A field is kept when any matching entry allows it.
/// Applies to every object of a top-level array, of an <c>items</c> array, or to a single object. When no claim
/// matches, <c>defaultInclude</c> decides: keep every field, or none.
/// </summary>
public sealed class ResponseColumnFilterAction : IResponseFilterAction, IContextPreservingRuleAction
{
    public const string Name = "ResponseColumnFilterAction";

    public int FilterOrder => 1;

    public RuleActionResult Execute(RuleActionContext context)
    {
        if (!context.HasResponse)
        {
            return RuleActionResult.Fail("the column filter runs on responses only");
        }

        var config = ResponseRows.Block(context.Context["col"]);
        if (config is null)
        {
            return context.Context["col"] is null
                ? RuleActionResult.Pass("no column filter is configured")
                : RuleActionResult.Fail("permission.col is not an object");
        }

        if (!ResponseRows.TryGet(context.Response, out var rows, out var single))
        {
            return RuleActionResult.Fail("the response is not an object or array, so columns cannot be filtered");
        }

        var specs = new List<ColumnSpec>();
        foreach (var (dimension, claim, setting) in ResponseRows.Matching(config, context.Context, context.Options))
        {
            if (!ColumnSpec.TryParse(setting, out var spec))
            {
                return RuleActionResult.Fail($"permission.col.{dimension}.{claim} is not a column list");
            }

            specs.Add(spec);
        }

        Func<string, bool> allowed = specs.Count == 0 ? _ => context.DefaultInclude : key => specs.Any(s => s.Allows(key));
        if (single is not null)
        {
            Apply(single, allowed);
        }
        else
        {
            foreach (var row in rows!)
            {
                if (row is JsonObject o)
                {
                    Apply(o, allowed);
                }
            }
        }

        return RuleActionResult.Pass(specs.Count == 0
            ? $"no column filter matches the caller; defaultInclude={context.DefaultInclude}"
            : "columns filtered");
    }

    private static void Apply(JsonObject row, Func<string, bool> allowed)
    {
        foreach (var key in row.Select(p => p.Key).Where(k => !allowed(k)).ToList())
        {
            row.Remove(key);
        }
    }

    private sealed class ColumnSpec
    {
        private readonly HashSet<string> _columns;
        private readonly bool _remove;

        private ColumnSpec(HashSet<string> columns, bool remove)
        {
            _columns = columns;
            _remove = remove;
        }

        public bool Allows(string key) => _remove ? !_columns.Contains(key) : _columns.Contains(key);

        public static bool TryParse(JsonNode? setting, out ColumnSpec spec)
        {
            var remove = false;
            var node = setting;
            if (JsonValues.TryString(setting, out var s) && s.TrimStart().StartsWith('!'))
            {
                remove = true;
                node = JsonValue.Create(s.TrimStart()[1..]);
            }

            if (node is not (JsonArray or JsonValue))
            {
                spec = null!;
                return false;
            }

            spec = new ColumnSpec(new HashSet<string>(PermissionValues.Split(node), StringComparer.Ordinal), remove);
            return true;
        }
    }
}
