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

    private sealed class LoadRun
    {
        private readonly RuleConfigIssues _issues;
        private readonly ConditionRowReader _conditions;
        private readonly ActionRowReader _actions;
        private readonly RuleEngineOptions _options;

        public LoadRun(ActionRegistry registry, RuleEngineOptions options)
        {
            _options = options;
            _issues = new RuleConfigIssues(options);
            _conditions = new ConditionRowReader(_issues);
            _actions = new ActionRowReader(registry, _issues);
        }

        public RuleSetLoadResult Execute(JsonObject config)
        {
            foreach (var (key, _) in config)
            {
                if (key is not ("ruleBodies" or "endpointRules" or "rule.ruleBodies" or "rule.endpointRules"))
                {
                    _issues.Warnings.Add(new(key, "unknown top-level key (expected ruleBodies and endpointRules)"));
                }
            }

            var bodies = _issues.Map(config["ruleBodies"] ?? config["rule.ruleBodies"], "ruleBodies");
            var endpointsNode = _issues.Map(config["endpointRules"] ?? config["rule.endpointRules"], "endpointRules");

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
                _issues.Warnings.Add(new($"ruleBodies.{id}", "the rule is not referenced by any endpoint rule"));
            }

            if (_issues.Errors.Count > 0)
            {
                return new RuleSetLoadResult(null, _issues.Errors, _issues.Warnings);
            }

            return new RuleSetLoadResult(new RuleSet(rules, endpoints, _options, _issues.Warnings), _issues.Errors, _issues.Warnings);
        }

        private EndpointRules? ReadEndpoint(string key, JsonNode? node, HashSet<string> ruleIds, HashSet<string> responsePhaseRules, HashSet<string> referenced)
        {
            var path = $"endpointRules.{key}";
            if (string.IsNullOrWhiteSpace(key))
            {
                _issues.Error(path, "the endpoint key is empty");
            }

            var o = _issues.ObjectOrJson(node, path);
            if (o is null)
            {
                if (node is null)
                {
                    _issues.Error(path, "the endpoint has no phases");
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
                    permission = _issues.ObjectOrJson(value, phasePath, allowEmptyString: true)?.DeepClone().AsObject();
                    continue;
                }

                if (phase == RulePhases.Visibility)
                {
                    visibility = _issues.ObjectOrJson(value, phasePath, allowEmptyString: true)?.DeepClone().AsObject();
                    continue;
                }

                if (!RulePhases.IsRulePhase(phase))
                {
                    _issues.Error(phasePath, $"unknown phase '{phase}' (expected {RulePhases.KnownNames}); custom phases must start with 'x-'");
                    continue;
                }

                var ids = RuleIds(value, phasePath);
                for (var i = 0; i < ids.Count; i++)
                {
                    if (!ruleIds.Contains(ids[i]))
                    {
                        _issues.Error($"{phasePath}[{i}]", $"rule '{ids[i]}' is not defined in ruleBodies");
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

            var a = _issues.ArrayOrJson(value, key);
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
                    _issues.Error($"{key}[{i}]", "expected a rule id (string)");
                }
            }

            return ids;
        }

        private RuleDefinition? ReadRule(string key, JsonNode? node, bool usedInResponsePhase)
        {
            var path = $"ruleBodies.{key}";
            var o = _issues.ObjectOrJson(node, path);
            if (o is null)
            {
                if (node is null)
                {
                    _issues.Error(path, "the rule body is empty");
                }

                return null;
            }

            var errorsBefore = _issues.Errors.Count;
            foreach (var (field, _) in o)
            {
                if (!RuleFields.Contains(field))
                {
                    _issues.Unknown(path, field, "rule");
                }
            }

            var ruleId = _issues.Text(o, "ruleId", path);
            if (ruleId is null)
            {
                _issues.Error($"{path}.ruleId", "ruleId is required and must equal the ruleBodies key");
            }
            else if (ruleId != key)
            {
                _issues.Error($"{path}.ruleId", $"ruleId '{ruleId}' does not match its ruleBodies key '{key}'");
            }

            var ruleType = _issues.Text(o, "ruleType", path) ?? _issues.Text(o, "phase", path);
            if (ruleType is not null && (!RulePhases.IsRulePhase(ruleType)))
            {
                _issues.Error($"{path}.ruleType", $"unknown rule type '{ruleType}' (expected req-acc, res-fil, req-tra, res-tra, access-control or x-*)");
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
                    _issues.Error($"{path}.priority", "priority must be an integer");
                }
            }

            // Conditions: language, the operatorCode: cel alias, and the profile CEL runs under.
            var languageText = _issues.Text(o, "conditionLanguage", path);
            ConditionLanguage? language = languageText?.Trim().ToLowerInvariant() switch
            {
                null => null,
                "native" => ConditionLanguage.Native,
                "cel" => ConditionLanguage.Cel,
                _ => null,
            };
            if (languageText is not null && language is null)
            {
                _issues.Error($"{path}.conditionLanguage", $"unknown condition language '{languageText}' (expected native or cel)");
            }

            var expression = _issues.Text(o, "expression", path);
            var conditionsNode = _issues.ArrayOrJson(o["conditions"], $"{path}.conditions");

            // operatorCode: cel with the expression in expected is the compatibility form of a CEL rule.
            if (language is null && expression is null && conditionsNode is { Count: 1 } &&
                conditionsNode[0] is JsonObject only && ConditionRowReader.IsCelRow(only) && JsonValues.TryString(only["expected"], out var aliased))
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
                    _issues.Error($"{path}.expression", "a rule with conditionLanguage: cel needs an expression");
                }

                if (conditionsNode is { Count: > 0 })
                {
                    _issues.Error($"{path}.conditions", "a rule with conditionLanguage: cel takes its condition from expression; remove conditions");
                }
            }
            else if (expression is not null)
            {
                _issues.Error($"{path}.expression", "a native rule cannot have an expression; set conditionLanguage: cel or use conditions");
            }

            var profileName = _issues.Text(o, "conditionSecurityProfile", path);
            var profile = ResolveProfile(profileName, path, usedInResponsePhase || RulePhases.IsResponsePhase(ruleType));

            var condition = CompiledCondition.Always;
            var conditions = new List<RuleCondition>();
            if (effectiveLanguage == ConditionLanguage.Cel && !string.IsNullOrWhiteSpace(expression) && profile is not null)
            {
                var program = _conditions.Compile(expression, profile, $"{path}.expression", key);
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
                    var row = _conditions.Read(conditionsNode[i], $"{path}.conditions[{i}]", i, profile, key);
                    if (row is not null)
                    {
                        rows.Add(row);
                        conditions.Add(row.Source);
                    }
                }

                condition = new NativeConditionList(rows);
            }

            var actions = new List<RuleActionDefinition>();
            var actionsNode = _issues.ArrayOrJson(o["actions"], $"{path}.actions");
            if (actionsNode is not null)
            {
                for (var i = 0; i < actionsNode.Count; i++)
                {
                    var a = _actions.Read(actionsNode[i], $"{path}.actions[{i}]", profile ?? _options.DefaultCelProfile);
                    if (a is not null)
                    {
                        actions.Add(a);
                    }
                }
            }

            if (_issues.Errors.Count > errorsBefore)
            {
                return null;
            }

            return new RuleDefinition
            {
                RuleId = key,
                RuleName = _issues.Text(o, "ruleName", path),
                RuleType = ruleType,
                Description = _issues.Text(o, "ruleDesc", path) ?? _issues.Text(o, "description", path),
                Host = _issues.Text(o, "host", path) ?? _issues.Text(o, "hostId", path),
                Priority = priority,
                Common = _issues.Text(o, "common", path),
                Version = _issues.Text(o, "version", path),
                Author = _issues.Text(o, "author", path),
                UpdatedAt = _issues.Text(o, "updatedAt", path),
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
                requested = _options.ProfileNamed(requestedName);
                if (requested is null)
                {
                    _issues.Error($"{path}.conditionSecurityProfile", $"unknown profile '{requestedName}' (expected strict, standard or internal-admin)");
                    return null;
                }

                if (requested.Rank > _options.MaximumCelProfile.Rank)
                {
                    _issues.Error($"{path}.conditionSecurityProfile",
                        $"profile '{requested.Name}' is weaker than this runtime allows (maximum '{_options.MaximumCelProfile.Name}')");
                    return null;
                }
            }

            var effective = CelProfile.Effective(requested ?? _options.DefaultCelProfile, _options.MaximumCelProfile);

            // Response phases see whole response bodies: their CEL always runs under the strict ceiling.
            return responsePhase && effective.Rank > RuleEngineOptions.RuleStrict.Rank ? RuleEngineOptions.RuleStrict : effective;
        }

    }
}
