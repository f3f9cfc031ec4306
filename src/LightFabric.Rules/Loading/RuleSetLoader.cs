using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Cel;
using LightFabric.Cel.Profiles;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Conditions;
using LightFabric.Rules.Model;

namespace LightFabric.Rules.Loading;

/// <summary>
/// Validates rule.yml content (<c>ruleBodies</c> and <c>endpointRules</c>, each a map or a JSON string) and builds an
/// immutable <see cref="RuleSet"/>. Every problem is reported with its key; nothing is compiled at request time.
/// </summary>
public static class RuleSetLoader
{
    private static readonly HashSet<string> RuleFields = new(StringComparer.Ordinal)
    {
        "ruleId", "ruleName", "ruleDesc", "description", "ruleType", "phase", "common", "host", "hostId", "priority",
        "version", "author", "updatedAt", "conditionLanguage", "conditionSecurityProfile", "expression", "conditions",
        "actions", "accessControlEffect", "ruleOwner", "ruleGroup",
    };

    private static readonly HashSet<string> ConditionFields = new(StringComparer.Ordinal)
    {
        "operator", "operatorCode", "operand", "propertyPath", "expected", "joinCode", "conditionId", "conditionDesc", "index",
    };

    private static readonly HashSet<string> ActionFields = new(StringComparer.Ordinal)
    {
        "actionId", "actionRef", "actionClassName", "actionValues", "actionDesc", "actionName",
    };

    /// <summary>Loads and validates; the result holds a rule set only when there are no errors.</summary>
    /// <param name="ruleConfig">rule.yml as JSON: <c>ruleBodies</c> and <c>endpointRules</c> (also <c>rule.ruleBodies</c> / <c>rule.endpointRules</c>).</param>
    /// <param name="actions">The action plugins; the built-ins when null.</param>
    /// <param name="options">Runtime policy; <see cref="RuleEngineOptions.Default"/> when null.</param>
    public static RuleSetLoadResult Load(JsonObject? ruleConfig, ActionRegistry? actions = null, RuleEngineOptions? options = null)
    {
        var run = new LoadRun(actions ?? ActionRegistry.CreateDefault(), options ?? RuleEngineOptions.Default);
        return run.Execute(ruleConfig ?? []);
    }

    /// <summary>Loads and validates, or throws <see cref="RuleConfigException"/> listing every error.</summary>
    public static RuleSet LoadOrThrow(JsonObject? ruleConfig, ActionRegistry? actions = null, RuleEngineOptions? options = null)
    {
        var result = Load(ruleConfig, actions, options);
        return result.RuleSet ?? throw new RuleConfigException(result.Errors);
    }

    private sealed class LoadRun(ActionRegistry registry, RuleEngineOptions options)
    {
        private readonly List<RuleConfigIssue> _errors = [];
        private readonly List<RuleConfigIssue> _warnings = [];

        public RuleSetLoadResult Execute(JsonObject config)
        {
            foreach (var (key, _) in config)
            {
                if (key is not ("ruleBodies" or "endpointRules" or "rule.ruleBodies" or "rule.endpointRules"))
                {
                    _warnings.Add(new(key, "unknown top-level key (expected ruleBodies and endpointRules)"));
                }
            }

            var bodies = Map(config["ruleBodies"] ?? config["rule.ruleBodies"], "ruleBodies");
            var endpointsNode = Map(config["endpointRules"] ?? config["rule.endpointRules"], "endpointRules");

            var ruleIds = new HashSet<string>(bodies.Select(p => p.Key), StringComparer.Ordinal);
            var endpoints = new Dictionary<string, EndpointRules>(StringComparer.Ordinal);
            var responsePhaseRules = new HashSet<string>(StringComparer.Ordinal);
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, node) in endpointsNode)
            {
                var e = ReadEndpoint(key, node, ruleIds, responsePhaseRules, referenced);
                if (e is not null)
                {
                    endpoints[key] = e;
                }
            }

            var rules = new Dictionary<string, RuleDefinition>(StringComparer.Ordinal);
            foreach (var (key, node) in bodies)
            {
                var r = ReadRule(key, node, responsePhaseRules.Contains(key));
                if (r is not null)
                {
                    rules[key] = r;
                }
            }

            foreach (var id in ruleIds.Where(id => !referenced.Contains(id)))
            {
                _warnings.Add(new($"ruleBodies.{id}", "the rule is not referenced by any endpoint rule"));
            }

            if (_errors.Count > 0)
            {
                return new RuleSetLoadResult(null, _errors, _warnings);
            }

            return new RuleSetLoadResult(new RuleSet(rules, endpoints, options, _warnings), _errors, _warnings);
        }

        private List<KeyValuePair<string, JsonNode?>> Map(JsonNode? node, string key)
        {
            var o = ObjectOrJson(node, key, allowEmptyString: true);
            return o is null ? [] : [.. o];
        }

        /// <summary>An object, or a JSON string holding one (null/empty means absent); reports anything else.</summary>
        private JsonObject? ObjectOrJson(JsonNode? node, string key, bool allowEmptyString = false)
        {
            switch (node)
            {
                case null:
                    return null;
                case JsonObject o:
                    return o;
                case JsonValue when JsonValues.TryString(node, out var s):
                    if (string.IsNullOrWhiteSpace(s) && allowEmptyString)
                    {
                        return null;
                    }

                    try
                    {
                        if (JsonNode.Parse(s) is JsonObject parsed)
                        {
                            return parsed;
                        }
                    }
                    catch (JsonException e)
                    {
                        Error(key, $"the value is a string but not valid JSON: {e.Message}");
                        return null;
                    }

                    Error(key, "expected a map (or a JSON object string)");
                    return null;
                default:
                    Error(key, $"expected a map, got {JsonValues.Kind(node).ToString().ToLowerInvariant()}");
                    return null;
            }
        }

        private JsonArray? ArrayOrJson(JsonNode? node, string key)
        {
            switch (node)
            {
                case null:
                    return null;
                case JsonArray a:
                    return a;
                case JsonValue when JsonValues.TryString(node, out var s) && s.TrimStart().StartsWith('['):
                    if (PermissionValues.TryParseArray(s.Trim(), out var parsed))
                    {
                        return parsed;
                    }

                    Error(key, "the value is a string but not a valid JSON array");
                    return null;
                default:
                    Error(key, "expected a list");
                    return null;
            }
        }

        private void Error(string key, string message) => _errors.Add(new(key, message));

        private void Unknown(string key, string field, string what)
        {
            var issue = new RuleConfigIssue($"{key}.{field}", $"unknown {what} field");
            (options.RejectUnknownFields ? _errors : _warnings).Add(issue);
        }

        private EndpointRules? ReadEndpoint(string key, JsonNode? node, HashSet<string> ruleIds, HashSet<string> responsePhaseRules, HashSet<string> referenced)
        {
            var path = $"endpointRules.{key}";
            if (string.IsNullOrWhiteSpace(key))
            {
                Error(path, "the endpoint key is empty");
            }

            var o = ObjectOrJson(node, path);
            if (o is null)
            {
                if (node is null)
                {
                    Error(path, "the endpoint has no phases");
                }

                return null;
            }

            var phases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            JsonObject? permission = null;
            JsonObject? visibility = null;
            foreach (var (phase, value) in o)
            {
                var phasePath = $"{path}.{phase}";
                if (phase == RulePhases.Permission)
                {
                    permission = ObjectOrJson(value, phasePath, allowEmptyString: true)?.DeepClone().AsObject();
                    continue;
                }

                if (phase == RulePhases.Visibility)
                {
                    visibility = ObjectOrJson(value, phasePath, allowEmptyString: true)?.DeepClone().AsObject();
                    continue;
                }

                if (!RulePhases.IsRulePhase(phase))
                {
                    Error(phasePath, $"unknown phase '{phase}' (expected {RulePhases.KnownNames}); custom phases must start with 'x-'");
                    continue;
                }

                var ids = RuleIds(value, phasePath);
                for (var i = 0; i < ids.Count; i++)
                {
                    if (!ruleIds.Contains(ids[i]))
                    {
                        Error($"{phasePath}[{i}]", $"rule '{ids[i]}' is not defined in ruleBodies");
                    }

                    referenced.Add(ids[i]);
                    if (RulePhases.IsResponsePhase(phase))
                    {
                        responsePhaseRules.Add(ids[i]);
                    }
                }

                phases[phase] = ids;
            }

            return new EndpointRules { EndpointKey = key, Phases = phases, Permission = permission, Visibility = visibility };
        }

        private List<string> RuleIds(JsonNode? value, string key)
        {
            if (JsonValues.TryString(value, out var s) && !s.TrimStart().StartsWith('['))
            {
                return [.. PermissionValues.Split(value)];
            }

            var a = ArrayOrJson(value, key);
            var ids = new List<string>();
            if (a is null)
            {
                return ids;
            }

            for (var i = 0; i < a.Count; i++)
            {
                if (JsonValues.TryString(a[i], out var id) && !string.IsNullOrWhiteSpace(id))
                {
                    ids.Add(id.Trim());
                }
                else
                {
                    Error($"{key}[{i}]", "expected a rule id (string)");
                }
            }

            return ids;
        }

        private RuleDefinition? ReadRule(string key, JsonNode? node, bool usedInResponsePhase)
        {
            var path = $"ruleBodies.{key}";
            var o = ObjectOrJson(node, path);
            if (o is null)
            {
                if (node is null)
                {
                    Error(path, "the rule body is empty");
                }

                return null;
            }

            var errorsBefore = _errors.Count;
            foreach (var (field, _) in o)
            {
                if (!RuleFields.Contains(field))
                {
                    Unknown(path, field, "rule");
                }
            }

            var ruleId = Text(o, "ruleId", path);
            if (ruleId is null)
            {
                Error($"{path}.ruleId", "ruleId is required and must equal the ruleBodies key");
            }
            else if (ruleId != key)
            {
                Error($"{path}.ruleId", $"ruleId '{ruleId}' does not match its ruleBodies key '{key}'");
            }

            var ruleType = Text(o, "ruleType", path) ?? Text(o, "phase", path);
            if (ruleType is not null && (!RulePhases.IsRulePhase(ruleType)))
            {
                Error($"{path}.ruleType", $"unknown rule type '{ruleType}' (expected req-acc, res-fil, req-tra, res-tra, access-control or x-*)");
            }

            int? priority = null;
            if (o["priority"] is { } p)
            {
                if (JsonValues.TryNumber(p, out var pn) && pn == Math.Floor(pn))
                {
                    priority = (int)pn;
                }
                else if (JsonValues.TryString(p, out var ps) && int.TryParse(ps, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pi))
                {
                    priority = pi;
                }
                else
                {
                    Error($"{path}.priority", "priority must be an integer");
                }
            }

            // Conditions: language, the operatorCode: cel alias, and the profile CEL runs under.
            var languageText = Text(o, "conditionLanguage", path);
            ConditionLanguage? language = languageText?.Trim().ToLowerInvariant() switch
            {
                null => null,
                "native" => ConditionLanguage.Native,
                "cel" => ConditionLanguage.Cel,
                _ => null,
            };
            if (languageText is not null && language is null)
            {
                Error($"{path}.conditionLanguage", $"unknown condition language '{languageText}' (expected native or cel)");
            }

            var expression = Text(o, "expression", path);
            var conditionsNode = ArrayOrJson(o["conditions"], $"{path}.conditions");

            // operatorCode: cel with the expression in expected is the compatibility form of a CEL rule.
            if (language is null && expression is null && conditionsNode is { Count: 1 } &&
                conditionsNode[0] is JsonObject only && IsCelRow(only) && JsonValues.TryString(only["expected"], out var aliased))
            {
                language = ConditionLanguage.Cel;
                expression = aliased;
                conditionsNode = null;
            }

            var effectiveLanguage = language ?? (expression is not null && conditionsNode is null ? ConditionLanguage.Cel : ConditionLanguage.Native);
            if (effectiveLanguage == ConditionLanguage.Cel)
            {
                if (string.IsNullOrWhiteSpace(expression))
                {
                    Error($"{path}.expression", "a rule with conditionLanguage: cel needs an expression");
                }

                if (conditionsNode is { Count: > 0 })
                {
                    Error($"{path}.conditions", "a rule with conditionLanguage: cel takes its condition from expression; remove conditions");
                }
            }
            else if (expression is not null)
            {
                Error($"{path}.expression", "a native rule cannot have an expression; set conditionLanguage: cel or use conditions");
            }

            var profileName = Text(o, "conditionSecurityProfile", path);
            var profile = ResolveProfile(profileName, path, usedInResponsePhase || RulePhases.IsResponsePhase(ruleType));

            CompiledCondition condition = CompiledCondition.Always;
            var conditions = new List<RuleCondition>();
            if (effectiveLanguage == ConditionLanguage.Cel && !string.IsNullOrWhiteSpace(expression) && profile is not null)
            {
                var program = Compile(expression, profile, $"{path}.expression", key);
                if (program is not null)
                {
                    condition = new CelCondition(program);
                }
            }
            else if (effectiveLanguage == ConditionLanguage.Native && conditionsNode is { Count: > 0 })
            {
                var rows = new List<NativeRow>();
                for (var i = 0; i < conditionsNode.Count; i++)
                {
                    var row = ReadCondition(conditionsNode[i], $"{path}.conditions[{i}]", i, profile, key);
                    if (row is not null)
                    {
                        rows.Add(row);
                        conditions.Add(row.Source);
                    }
                }

                condition = new NativeConditionList(rows);
            }

            var actions = new List<RuleActionDefinition>();
            var actionsNode = ArrayOrJson(o["actions"], $"{path}.actions");
            if (actionsNode is not null)
            {
                for (var i = 0; i < actionsNode.Count; i++)
                {
                    var a = ReadAction(actionsNode[i], $"{path}.actions[{i}]", profile ?? options.DefaultCelProfile);
                    if (a is not null)
                    {
                        actions.Add(a);
                    }
                }
            }

            if (_errors.Count > errorsBefore)
            {
                return null;
            }

            return new RuleDefinition
            {
                RuleId = key,
                RuleName = Text(o, "ruleName", path),
                RuleType = ruleType,
                Description = Text(o, "ruleDesc", path) ?? Text(o, "description", path),
                Host = Text(o, "host", path) ?? Text(o, "hostId", path),
                Priority = priority,
                Common = Text(o, "common", path),
                Version = Text(o, "version", path),
                Author = Text(o, "author", path),
                UpdatedAt = Text(o, "updatedAt", path),
                ConditionLanguage = effectiveLanguage,
                RequestedProfile = profileName,
                EffectiveProfile = profile?.Name,
                Expression = effectiveLanguage == ConditionLanguage.Cel ? expression : null,
                Conditions = conditions,
                Actions = actions,
                Condition = condition,
                ResponseFilterOrder = actions.Select(a => a.Plugin is IResponseFilterAction f ? f.FilterOrder : 2).DefaultIfEmpty(2).Min(),
            };
        }

        private CelProfile? ResolveProfile(string? requestedName, string path, bool responsePhase)
        {
            CelProfile? requested = null;
            if (requestedName is not null)
            {
                requested = options.ProfileNamed(requestedName);
                if (requested is null)
                {
                    Error($"{path}.conditionSecurityProfile", $"unknown profile '{requestedName}' (expected strict, standard or internal-admin)");
                    return null;
                }

                if (requested.Rank > options.MaximumCelProfile.Rank)
                {
                    Error($"{path}.conditionSecurityProfile",
                        $"profile '{requested.Name}' is weaker than this runtime allows (maximum '{options.MaximumCelProfile.Name}')");
                    return null;
                }
            }

            var effective = CelProfile.Effective(requested ?? options.DefaultCelProfile, options.MaximumCelProfile);

            // Response phases see whole response bodies: their CEL always runs under the strict ceiling.
            return responsePhase && effective.Rank > RuleEngineOptions.RuleStrict.Rank ? RuleEngineOptions.RuleStrict : effective;
        }

        private CelProgram? Compile(string expression, CelProfile profile, string key, string ruleId)
        {
            try
            {
                return ConditionCompiler.CompileCel(expression, profile);
            }
            catch (CelCompileException e)
            {
                Error(key, $"rule '{ruleId}' (conditionLanguage cel, profile {profile.Name}): the expression does not compile: {e.Message}");
                return null;
            }
        }

        private static bool IsCelRow(JsonObject row) =>
            (JsonValues.ScalarText(row["operatorCode"]) ?? JsonValues.ScalarText(row["operator"])) is { } op &&
            string.Equals(op.Trim(), "cel", StringComparison.OrdinalIgnoreCase);

        private NativeRow? ReadCondition(JsonNode? node, string path, int index, CelProfile? profile, string ruleId)
        {
            if (node is not JsonObject o)
            {
                Error(path, "expected a condition map");
                return null;
            }

            foreach (var (field, _) in o)
            {
                if (!ConditionFields.Contains(field))
                {
                    Unknown(path, field, "condition");
                }
            }

            var code = Text(o, "operatorCode", path) ?? Text(o, "operator", path);
            if (code is null)
            {
                Error($"{path}.operatorCode", "operator (or operatorCode) is required");
                return null;
            }

            if (!ConditionOperators.TryParse(code, out var op))
            {
                Error($"{path}.operatorCode", $"unknown operator '{code}'");
                return null;
            }

            var joinText = Text(o, "joinCode", path);
            var join = joinText?.Trim().ToUpperInvariant() switch
            {
                null or "" or "AND" or "&&" => JoinCode.And,
                "OR" or "||" => JoinCode.Or,
                _ => (JoinCode?)null,
            };
            if (join is null)
            {
                Error($"{path}.joinCode", $"unknown joinCode '{joinText}' (expected AND or OR)");
                return null;
            }

            var expected = o["expected"]?.DeepClone();
            if (op == ConditionOperator.Cel)
            {
                if (!JsonValues.TryString(expected, out var expr) || string.IsNullOrWhiteSpace(expr))
                {
                    Error($"{path}.expected", "operatorCode: cel needs the CEL expression in expected");
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

            var operand = Text(o, "propertyPath", path) ?? Text(o, "operand", path);
            if (operand is null)
            {
                Error($"{path}.propertyPath", "operand (or propertyPath) is required");
                return null;
            }

            if (!PropertyPath.TryParse(operand, out var propertyPath, out var pathError))
            {
                Error($"{path}.propertyPath", $"invalid operand path '{operand}': {pathError}");
                return null;
            }

            System.Text.RegularExpressions.Regex? regex = null;
            if (op is ConditionOperator.Matches or ConditionOperator.NotMatch)
            {
                if (!JsonValues.TryString(expected, out var pattern))
                {
                    Error($"{path}.expected", $"'{code}' needs a regular expression string in expected");
                    return null;
                }

                try
                {
                    regex = ConditionCompiler.CreateRegex(pattern);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    Error($"{path}.expected", $"invalid regular expression '{pattern}': {e.Message}");
                    return null;
                }
            }
            else if (!ConditionOperators.IsUnary(op) && !o.ContainsKey("expected"))
            {
                Error($"{path}.expected", $"operator '{code}' needs an expected value");
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

        private RuleActionDefinition? ReadAction(JsonNode? node, string path, CelProfile profile)
        {
            if (node is not JsonObject o)
            {
                Error(path, "expected an action map");
                return null;
            }

            foreach (var (field, _) in o)
            {
                if (!ActionFields.Contains(field))
                {
                    Unknown(path, field, "action");
                }
            }

            var name = Text(o, "actionRef", path) ?? Text(o, "actionClassName", path);
            if (name is null)
            {
                Error($"{path}.actionClassName", "actionClassName (or actionRef) is required");
                return null;
            }

            if (!registry.TryResolve(name, out var plugin))
            {
                Error($"{path}.actionClassName", $"no action is registered as '{name}'");
                return null;
            }

            var values = o["actionValues"]?.DeepClone();
            if (plugin is IValidatingRuleAction validating)
            {
                var problems = validating.Validate(values, profile).ToList();
                foreach (var problem in problems)
                {
                    Error($"{path}.actionValues", problem);
                }

                if (problems.Count > 0)
                {
                    return null;
                }
            }

            return new RuleActionDefinition { ActionId = Text(o, "actionId", path), ActionRef = name.Trim(), ActionValues = values, Plugin = plugin };
        }

        /// <summary>A scalar field as text; objects and arrays are reported.</summary>
        private string? Text(JsonObject o, string field, string path)
        {
            if (!o.TryGetPropertyValue(field, out var v) || v is null)
            {
                return null;
            }

            var s = JsonValues.ScalarText(v);
            if (s is null)
            {
                Error($"{path}.{field}", "expected a string");
            }

            return s;
        }
    }
}
