using System.Text.Json.Nodes;
using LightFabric.Cel;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Conditions;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Loading;

/// <summary>Reads one condition row of a rule (native operator or <c>cel</c>) into its compiled form, reporting what is wrong with it.</summary>
internal sealed class ConditionRowReader(RuleConfigIssues issues)
{
    private static readonly HashSet<string> ConditionFields = new(StringComparer.Ordinal)
    {
        "operator", "operatorCode", "operand", "propertyPath", "expected", "joinCode", "conditionId", "conditionDesc", "index",
    };

    public CelProgram? Compile(string expression, CelProfile profile, string key, string ruleId)
    {
        try
        {
            return ConditionCompiler.CompileCel(expression, profile);
        }
        catch (CelCompileException e)
        {
            issues.Error(key, $"rule '{ruleId}' (conditionLanguage cel, profile {profile.Name}): the expression does not compile: {e.Message}");
            return null;
        }
    }

    public static bool IsCelRow(JsonObject row) =>
        (JsonValues.ScalarText(row["operatorCode"]) ?? JsonValues.ScalarText(row["operator"])) is { } op &&
        string.Equals(op.Trim(), "cel", StringComparison.OrdinalIgnoreCase);

    public NativeRow? Read(JsonNode? node, string path, int index, CelProfile? profile, string ruleId)
    {
        if (node is not JsonObject o)
        {
            issues.Error(path, "expected a condition map");
            return null;
        }

        foreach (var (field, _) in o)
        {
            if (!ConditionFields.Contains(field))
            {
                issues.Unknown(path, field, "condition");
            }
        }

        var code = issues.Text(o, "operatorCode", path) ?? issues.Text(o, "operator", path);
        if (code is null)
        {
            issues.Error($"{path}.operatorCode", "operator (or operatorCode) is required");
            return null;
        }

        if (!ConditionOperators.TryParse(code, out var op))
        {
            issues.Error($"{path}.operatorCode", $"unknown operator '{code}'");
            return null;
        }

        var joinText = issues.Text(o, "joinCode", path);
        var join = joinText?.Trim().ToUpperInvariant() switch
        {
            null or "" or "AND" or "&&" => JoinCode.And,
            "OR" or "||" => JoinCode.Or,
            _ => (JoinCode?)null,
        };
        if (join is null)
        {
            issues.Error($"{path}.joinCode", $"unknown joinCode '{joinText}' (expected AND or OR)");
            return null;
        }

        var expected = o["expected"]?.DeepClone();
        if (op == ConditionOperator.Cel)
        {
            if (!JsonValues.TryString(expected, out var expr) || string.IsNullOrWhiteSpace(expr))
            {
                issues.Error($"{path}.expected", "operatorCode: cel needs the CEL expression in expected");
                return null;
            }

            var program = profile is null ? null : Compile(expr, profile, $"{path}.expected", ruleId);
            return program is null ? null : new NativeRow
            {
                Index = index,
                Operator = op,
                Cel = program,
                Source = new RuleCondition { OperatorCode = code, Expected = expected, JoinCode = join.Value },
            };
        }

        var operand = issues.Text(o, "propertyPath", path) ?? issues.Text(o, "operand", path);
        if (operand is null)
        {
            issues.Error($"{path}.propertyPath", "operand (or propertyPath) is required");
            return null;
        }

        if (!PropertyPath.TryParse(operand, out var propertyPath, out var pathError))
        {
            issues.Error($"{path}.propertyPath", $"invalid operand path '{operand}': {pathError}");
            return null;
        }

        System.Text.RegularExpressions.Regex? regex = null;
        if (op is ConditionOperator.Matches or ConditionOperator.NotMatch)
        {
            if (!JsonValues.TryString(expected, out var pattern))
            {
                issues.Error($"{path}.expected", $"'{code}' needs a regular expression string in expected");
                return null;
            }

            try
            {
                regex = ConditionCompiler.CreateRegex(pattern);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                issues.Error($"{path}.expected", $"invalid regular expression '{pattern}': {e.Message}");
                return null;
            }
        }
        else if (!ConditionOperators.IsUnary(op) && !o.ContainsKey("expected"))
        {
            issues.Error($"{path}.expected", $"operator '{code}' needs an expected value");
            return null;
        }

        return new NativeRow
        {
            Index = index,
            Operator = op,
            Path = propertyPath,
            Pattern = regex,
            Source = new RuleCondition { OperatorCode = code, Operand = operand, Expected = expected, JoinCode = join.Value },
        };
    }
}
