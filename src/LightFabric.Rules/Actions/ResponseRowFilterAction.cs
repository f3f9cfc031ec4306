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
        var filters = new List<RowPredicate[]>();
        foreach (var (dimension, claim, setting) in matched)
        {
            if (!TryReadPredicates(setting, out var predicates))
            {
                return RuleActionResult.Fail($"permission.row.{dimension}.{claim} is not a list of {{colName, operator, colValue}}");
            }

            // Read once per response, not once per row.
            filters.Add([.. predicates.Select(p => new RowPredicate(p))]);
        }

        Func<JsonNode?, bool> keep = filters.Count == 0
            ? _ => context.DefaultInclude
            : row => row is JsonObject o && filters.Any(list => list.All(p => p.Holds(o)));

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

    /// <summary>
    /// One <c>{colName, operator, colValue}</c> predicate, read once: the configured side of every comparison is
    /// turned into text (and a number, when it is one) up front. Cells compare numerically when both sides are
    /// numbers, else as text; a missing column, a non-scalar cell or an unknown operator does not hold.
    /// </summary>
    private sealed class RowPredicate
    {
        private readonly string? _column;
        private readonly string _operator;
        private readonly Operand? _expected;
        private readonly Operand[] _list = [];
        private readonly Operand? _low;
        private readonly Operand? _high;

        public RowPredicate(JsonObject predicate)
        {
            _column = JsonValues.ScalarText(predicate["colName"]);
            _operator = (JsonValues.ScalarText(predicate["operator"]) ?? "=").Trim().ToLowerInvariant();
            var expected = predicate["colValue"];
            _expected = Operand.Of(JsonValues.ScalarText(expected));
            if (_operator is "in" or "not in" or "notin" or "not_in")
            {
                _list = [.. PermissionValues.Split(expected).Select(v => Operand.Of(v)!)];
            }
            else if (_operator is "range" or "between" && Range(expected) is ({ } low, { } high))
            {
                (_low, _high) = (Operand.Of(low), Operand.Of(high));
            }
        }

        public bool Holds(JsonObject row)
        {
            if (_column is null || !row.TryGetPropertyValue(_column, out var node))
            {
                return false;
            }

            var cell = Operand.Of(JsonValues.ScalarText(node));
            switch (_operator)
            {
                case "=" or "==":
                    return Compare(cell, _expected) == 0;
                case "!=" or "<>":
                    return Compare(cell, _expected) is { } c && c != 0;
                case "<":
                    return Compare(cell, _expected) < 0;
                case ">":
                    return Compare(cell, _expected) > 0;
                case "<=":
                    return Compare(cell, _expected) <= 0;
                case ">=":
                    return Compare(cell, _expected) >= 0;
                case "in":
                    return _list.Any(v => Compare(cell, v) == 0);
                case "not in" or "notin" or "not_in":
                    return node is not null && !_list.Any(v => Compare(cell, v) == 0);
                case "range" or "between":
                    return _low is not null && Compare(cell, _low) >= 0 && Compare(cell, _high) <= 0;
                default:
                    return false;
            }
        }

        /// <summary>Numerically when both are numbers, else as text; null when either side is missing.</summary>
        private static int? Compare(Operand? a, Operand? b)
        {
            if (a is null || b is null)
            {
                return null;
            }

            return a.Number is { } x && b.Number is { } y ? x.CompareTo(y) : string.CompareOrdinal(a.Text, b.Text);
        }
    }

    /// <summary>A compared value as text, and as a number when it parses as one.</summary>
    private sealed record Operand(string Text, double? Number)
    {
        public static Operand? Of(string? text) => text is null
            ? null
            : new Operand(text, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null);
    }

    /// <summary>A range as <c>[low, high]</c>, <c>"low,high"</c>, <c>"low..high"</c> or <c>"low~high"</c> (inclusive).</summary>
    private static (string? Low, string? High) Range(JsonNode? value)
    {
        var parts = value is JsonArray ? PermissionValues.Split(value) : [];
        if (parts.Count == 0 && JsonValues.TryString(value, out var s))
        {
            parts = s.Split([",", "..", "~"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        return parts.Count == 2 ? (parts[0], parts[1]) : (null, null);
    }
}
