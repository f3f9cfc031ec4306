using System.Globalization;
using System.Text.Json.Nodes;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Actions;

/// <summary>
/// <c>res-fil</c>: keeps the response rows the caller may see. Configuration (root <c>row</c>, from
/// <c>permission.row</c>): <c>{dimension: {claimValue: [{colName, operator, colValue}]}}</c>. Predicates of one entry
/// must all hold; a caller matching several entries sees the rows of any of them. Operators: <c>= != &lt; &gt; &lt;= &gt;=
/// in</c>, <c>not in</c>, <c>range</c>. An unknown operator or a missing column drops the row. When no claim matches,
/// <c>defaultInclude</c> decides; a single-object response that is filtered out fails the action.
/// </summary>
public sealed class ResponseRowFilterAction : IResponseFilterAction, IContextPreservingRuleAction
{
    public const string Name = "ResponseRowFilterAction";

    public int FilterOrder => 0;

    public RuleActionResult Execute(RuleActionContext context)
    {
        if (!context.HasResponse)
        {
            return RuleActionResult.Fail("the row filter runs on responses only");
        }

        var config = ResponseRows.Block(context.Context["row"]);
        if (config is null)
        {
            return context.Context["row"] is null
                ? RuleActionResult.Pass("no row filter is configured")
                : RuleActionResult.Fail("permission.row is not an object");
        }

        if (!ResponseRows.TryGet(context.Response, out var rows, out var single))
        {
            return RuleActionResult.Fail("the response is not an object or array, so rows cannot be filtered");
        }

        var matched = ResponseRows.Matching(config, context.Context, context.Options);
        var filters = new List<IReadOnlyList<JsonObject>>();
        foreach (var (dimension, claim, setting) in matched)
        {
            if (!TryReadPredicates(setting, out var predicates))
            {
                return RuleActionResult.Fail($"permission.row.{dimension}.{claim} is not a list of {{colName, operator, colValue}}");
            }

            filters.Add(predicates);
        }

        Func<JsonNode?, bool> keep = filters.Count == 0
            ? _ => context.DefaultInclude
            : row => row is JsonObject o && filters.Any(list => list.All(p => Holds(p, o)));

        if (single is not null)
        {
            return keep(single)
                ? RuleActionResult.Pass("the object is visible")
                : RuleActionResult.Fail("the response object is filtered out by the row filter");
        }

        for (var i = rows!.Count - 1; i >= 0; i--)
        {
            if (!keep(rows[i]))
            {
                rows.RemoveAt(i);
            }
        }

        return RuleActionResult.Pass(filters.Count == 0
            ? $"no row filter matches the caller; defaultInclude={context.DefaultInclude}"
            : $"{rows.Count} rows kept");
    }

    private static bool TryReadPredicates(JsonNode? setting, out IReadOnlyList<JsonObject> predicates)
    {
        switch (setting)
        {
            case JsonObject o:
                predicates = [o];
                return true;
            case JsonArray a when a.All(x => x is JsonObject):
                predicates = [.. a.Cast<JsonObject>()];
                return true;
            case JsonValue when JsonValues.TryString(setting, out var s) && PermissionValues.TryParseArray(s.Trim(), out var parsed):
                return TryReadPredicates(parsed, out predicates);
            default:
                predicates = [];
                return false;
        }
    }

    /// <summary>Evaluates one <c>{colName, operator, colValue}</c> predicate against a row.</summary>
    internal static bool Holds(JsonObject predicate, JsonObject row)
    {
        var column = JsonValues.ScalarText(predicate["colName"]);
        if (column is null || !row.TryGetPropertyValue(column, out var cell))
        {
            return false;
        }

        var op = (JsonValues.ScalarText(predicate["operator"]) ?? "=").Trim().ToLowerInvariant();
        var expected = predicate["colValue"];
        switch (op)
        {
            case "=" or "==":
                return Compare(cell, expected) == 0;
            case "!=" or "<>":
                return Compare(cell, expected) is { } c && c != 0;
            case "<":
                return Compare(cell, expected) < 0;
            case ">":
                return Compare(cell, expected) > 0;
            case "<=":
                return Compare(cell, expected) <= 0;
            case ">=":
                return Compare(cell, expected) >= 0;
            case "in":
                return PermissionValues.Split(expected).Any(v => Compare(cell, JsonValue.Create(v)) == 0);
            case "not in" or "notin" or "not_in":
                return cell is not null && !PermissionValues.Split(expected).Any(v => Compare(cell, JsonValue.Create(v)) == 0);
            case "range" or "between":
                return Range(expected) is var (low, high) && low is not null &&
                    Compare(cell, JsonValue.Create(low)) >= 0 && Compare(cell, JsonValue.Create(high)) <= 0;
            default:
                return false;
        }
    }

    /// <summary>Compares a cell with a configured value: numerically when both are numbers, else as text; null when either is null or not a scalar.</summary>
    private static int? Compare(JsonNode? cell, JsonNode? expected)
    {
        var a = JsonValues.ScalarText(cell);
        var b = JsonValues.ScalarText(expected);
        if (a is null || b is null)
        {
            return null;
        }

        if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) &&
            double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return x.CompareTo(y);
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>A range as <c>[low, high]</c>, <c>"low,high"</c>, <c>"low..high"</c> or <c>"low~high"</c> (inclusive).</summary>
    private static (string? Low, string? High) Range(JsonNode? value)
    {
        IReadOnlyList<string> parts = value is JsonArray ? PermissionValues.Split(value) : [];
        if (parts.Count == 0 && JsonValues.TryString(value, out var s))
        {
            parts = s.Split([",", "..", "~"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        return parts.Count == 2 ? (parts[0], parts[1]) : (null, null);
    }
}
