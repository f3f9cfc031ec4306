using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.Rules.Conditions;

/// <summary>
/// The semantics of each native operator over the resolved operand and the typed <c>expected</c> value.
/// A missing operand is treated as absent: only the existence/emptiness checks can be true for it, so negative
/// operators (<c>notEquals</c>, <c>notContains</c>, …) never pass on a field that is not there. A value of the wrong
/// type is an error, which fails the rule closed.
/// </summary>
internal static class NativeOperators
{
    public static RowResult Evaluate(ConditionOperator op, bool found, JsonNode? value, JsonNode? expected, Regex? pattern)
    {
        switch (op)
        {
            case ConditionOperator.Exists:
                return Bool(found && value is not null, found ? null : "the operand is missing");
            case ConditionOperator.NotExists:
                return Bool(!found || value is null, null);
            case ConditionOperator.IsEmpty:
                return Bool(IsEmpty(found, value), null);
            case ConditionOperator.IsNotEmpty:
                return Bool(!IsEmpty(found, value), null);
            case ConditionOperator.IsBlank:
                return Bool(IsBlank(found, value), null);
            case ConditionOperator.IsNotBlank:
                return Bool(!IsBlank(found, value), null);
        }

        if (!found)
        {
            return new RowResult(false, null, "the operand is missing");
        }

        switch (op)
        {
            case ConditionOperator.Equals:
                return Bool(JsonNode.DeepEquals(value, expected), null);
            case ConditionOperator.NotEquals:
                return Bool(!JsonNode.DeepEquals(value, expected), null);
            case ConditionOperator.GreaterThan or ConditionOperator.GreaterThanOrEqual
                or ConditionOperator.LessThan or ConditionOperator.LessThanOrEqual:
                return Order(op, value, expected);
            case ConditionOperator.Contains:
                return Contains(value, expected, ignoreCase: false, negate: false);
            case ConditionOperator.NotContains:
                return Contains(value, expected, ignoreCase: false, negate: true);
            case ConditionOperator.ContainsIgnoreCase:
                return Contains(value, expected, ignoreCase: true, negate: false);
            case ConditionOperator.InList or ConditionOperator.NotInList:
            {
                var list = JsonValues.AsList(expected);
                if (list is null)
                {
                    return Error($"'{Name(op)}' needs an array (or comma-separated string) as expected value");
                }

                var hit = list.Any(e => JsonNode.DeepEquals(value, e));
                return Bool(op == ConditionOperator.InList ? hit : !hit, null);
            }

            case ConditionOperator.ContainsAny or ConditionOperator.ContainsAll or ConditionOperator.ContainsNone:
                return ContainsSet(op, value, expected);
            case ConditionOperator.Matches or ConditionOperator.NotMatch:
                return Match(op, value, pattern);
            case ConditionOperator.StartsWith or ConditionOperator.EndsWith:
            {
                if (!JsonValues.TryString(value, out var s) || !JsonValues.TryString(expected, out var prefix))
                {
                    return Error($"'{Name(op)}' compares strings; got {Kind(value)} and {Kind(expected)}");
                }

                return Bool(op == ConditionOperator.StartsWith
                    ? s.StartsWith(prefix, StringComparison.Ordinal)
                    : s.EndsWith(prefix, StringComparison.Ordinal), null);
            }

            case ConditionOperator.LengthEquals or ConditionOperator.LengthGreaterThan or ConditionOperator.LengthLessThan
                or ConditionOperator.LengthGreaterThanOrEqual or ConditionOperator.LengthLessThanOrEqual:
                return Length(op, value, expected);
            case ConditionOperator.Before or ConditionOperator.After or ConditionOperator.On:
                return Dates(op, value, expected);
            default:
                return Error($"operator '{op}' is not a native operator");
        }
    }

    private static RowResult Bool(bool v, string? detail) => new(v, null, detail);

    private static RowResult Error(string message) => new(false, message, null);

    private static string Kind(JsonNode? n) => JsonValues.Kind(n).ToString().ToLowerInvariant();

    private static string Name(ConditionOperator op) => char.ToLowerInvariant(op.ToString()[0]) + op.ToString()[1..];

    private static bool IsEmpty(bool found, JsonNode? value) =>
        !found || value is null || JsonValues.Length(value) == 0;

    private static bool IsBlank(bool found, JsonNode? value) =>
        !found || value is null || (JsonValues.TryString(value, out var s) && string.IsNullOrWhiteSpace(s));

    private static RowResult Order(ConditionOperator op, JsonNode? value, JsonNode? expected)
    {
        var c = JsonValues.Compare(value, expected);
        if (c is null)
        {
            return Error($"'{Name(op)}' orders two numbers or two strings; got {Kind(value)} and {Kind(expected)}");
        }

        return Bool(op switch
        {
            ConditionOperator.GreaterThan => c > 0,
            ConditionOperator.GreaterThanOrEqual => c >= 0,
            ConditionOperator.LessThan => c < 0,
            _ => c <= 0,
        }, null);
    }

    private static RowResult Contains(JsonNode? value, JsonNode? expected, bool ignoreCase, bool negate)
    {
        bool hit;
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (!JsonValues.TryString(expected, out var sub))
                {
                    return Error($"a string contains a string; expected is {Kind(expected)}");
                }

                hit = v.GetValue<string>().Contains(sub, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
                break;
            case JsonArray a:
                hit = a.Any(e => ignoreCase && JsonValues.TryString(e, out var es) && JsonValues.TryString(expected, out var xs)
                    ? string.Equals(es, xs, StringComparison.OrdinalIgnoreCase)
                    : JsonNode.DeepEquals(e, expected));
                break;
            case JsonObject o:
                if (!JsonValues.TryString(expected, out var key))
                {
                    return Error($"an object contains a key (string); expected is {Kind(expected)}");
                }

                hit = ignoreCase ? o.Any(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)) : o.ContainsKey(key);
                break;
            default:
                return Error($"'contains' needs a string, array or object operand; got {Kind(value)}");
        }

        return Bool(negate ? !hit : hit, null);
    }

    private static RowResult ContainsSet(ConditionOperator op, JsonNode? value, JsonNode? expected)
    {
        var needles = JsonValues.AsList(expected);
        if (needles is null)
        {
            return Error($"'{Name(op)}' needs an array (or comma-separated string) as expected value");
        }

        Func<JsonNode?, bool> has;
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                has = n => JsonValues.TryString(n, out var t) && s.Contains(t, StringComparison.Ordinal);
                break;
            case JsonArray a:
                has = n => a.Any(e => JsonNode.DeepEquals(e, n));
                break;
            default:
                return Error($"'{Name(op)}' needs a string or array operand; got {Kind(value)}");
        }

        return Bool(op switch
        {
            ConditionOperator.ContainsAny => needles.Any(has),
            ConditionOperator.ContainsAll => needles.All(has),
            _ => !needles.Any(has),
        }, null);
    }

    private static RowResult Match(ConditionOperator op, JsonNode? value, Regex? pattern)
    {
        if (pattern is null)
        {
            return Error("no pattern");
        }

        var text = JsonValues.ScalarText(value);
        if (text is null)
        {
            return Error($"'{Name(op)}' needs a string, number or boolean operand; got {Kind(value)}");
        }

        try
        {
            var hit = pattern.IsMatch(text);
            return Bool(op == ConditionOperator.Matches ? hit : !hit, null);
        }
        catch (RegexMatchTimeoutException)
        {
            return Error($"the pattern timed out after {pattern.MatchTimeout.TotalMilliseconds} ms");
        }
    }

    private static RowResult Length(ConditionOperator op, JsonNode? value, JsonNode? expected)
    {
        var len = JsonValues.Length(value);
        if (len is null)
        {
            return Error($"'{Name(op)}' needs a string, array or object operand; got {Kind(value)}");
        }

        double n;
        if (!JsonValues.TryNumber(expected, out n) &&
            !(JsonValues.TryString(expected, out var s) && double.TryParse(s, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out n)))
        {
            return Error($"'{Name(op)}' needs a number as expected value; got {Kind(expected)}");
        }

        return Bool(op switch
        {
            ConditionOperator.LengthEquals => len == n,
            ConditionOperator.LengthGreaterThan => len > n,
            ConditionOperator.LengthLessThan => len < n,
            ConditionOperator.LengthGreaterThanOrEqual => len >= n,
            _ => len <= n,
        }, null);
    }

    private static RowResult Dates(ConditionOperator op, JsonNode? value, JsonNode? expected)
    {
        if (!JsonValues.TryDate(value, out var a))
        {
            return Error($"'{Name(op)}' needs a date (ISO 8601 string or epoch milliseconds); got {value?.ToJsonString() ?? "null"}");
        }

        if (!JsonValues.TryDate(expected, out var b))
        {
            return Error($"'{Name(op)}' needs a date as expected value; got {expected?.ToJsonString() ?? "null"}");
        }

        return Bool(op switch
        {
            ConditionOperator.Before => a < b,
            ConditionOperator.After => a > b,
            _ => a.UtcDateTime.Date == b.UtcDateTime.Date,
        }, null);
    }
}
