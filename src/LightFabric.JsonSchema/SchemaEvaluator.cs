using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.JsonSchema;

/// <summary>A position in the instance, kept as a chain and rendered as a JSON Pointer only for errors.</summary>
internal sealed class InstancePath(InstancePath? parent, string? name, int index)
{
    public static string Pointer(InstancePath? path)
    {
        if (path is null)
        {
            return "";
        }

        var segments = new List<string>();
        for (var p = path; p is not null; p = p.Parent)
        {
            segments.Add(p.Name is null
                ? p.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : p.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        var builder = new StringBuilder();
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            builder.Append('/').Append(segments[i]);
        }

        return builder.ToString();
    }

    public InstancePath? Parent { get; } = parent;

    public string? Name { get; } = name;

    public int Index { get; } = index;
}

/// <summary>Ends a validation that ran out of budget (steps, recursion or stack).</summary>
internal sealed class EvaluationAbortedException(string keyword, string message) : Exception(message)
{
    public string Keyword { get; } = keyword;
}

/// <summary>
/// One validation run: the step budget, the recursion depth and the errors collected so far. Annotations (which
/// properties and items were evaluated) are collected only below a schema that uses <c>unevaluatedProperties</c> or
/// <c>unevaluatedItems</c>: such a schema opens an <see cref="EvaluatedLocations"/> record for its instance location
/// and passes it to its in-place subschemas; everywhere else the record is null and costs nothing.
/// </summary>
internal sealed class SchemaEvaluator(JsonSchemaOptions options, int maxErrors)
{
    /// <summary>Nested subschema applications at most (a $ref cycle that consumes no instance ends here).</summary>
    private const int MaxRecursion = 512;

    private readonly List<SchemaError> _errors = [];

    /// <summary>The dynamic scope: the schema resources entered, outermost first (for <c>$dynamicRef</c>).</summary>
    private readonly List<string> _scope = [];
    private int _steps;
    private int _recursion;

    public List<SchemaError> Errors => _errors;

    private bool Full => _errors.Count >= maxErrors;

    private void Step(int cost = 1)
    {
        _steps += cost;
        if (_steps > options.MaxSteps)
        {
            throw new EvaluationAbortedException("maxSteps", $"validation needed more than {options.MaxSteps} steps; the value is too large or the schema too costly to check");
        }
    }

    /// <summary>Records an error when collecting; answers whether evaluation of the current subschema should stop.</summary>
    private bool Fail(ref bool valid, bool collect, InstancePath? path, string keyword, string message)
    {
        valid = false;
        if (!collect)
        {
            return true;
        }

        if (_errors.Count < maxErrors)
        {
            _errors.Add(new SchemaError(InstancePath.Pointer(path), keyword, message));
        }

        return Full;
    }

    /// <summary>
    /// Applies <paramref name="node"/> to <paramref name="instance"/>. <paramref name="annotations"/> is the record of the
    /// enclosing schema at the same instance location when that one needs annotations (in-place application), else null.
    /// </summary>
    public bool Evaluate(SchemaNode node, JsonNode? instance, InstancePath? path, bool collect, EvaluatedLocations? annotations = null)
    {
        Step();
        if (++_recursion > MaxRecursion || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new EvaluationAbortedException("$ref", "the schema applies itself too deeply (a reference cycle that does not descend into the value?)");
        }

        var entered = _scope.Count == 0 || !ReferenceEquals(_scope[^1], node.Base);
        if (entered)
        {
            _scope.Add(node.Base);
        }

        try
        {
            return EvaluateNode(node, instance, path, collect, annotations);
        }
        finally
        {
            if (entered)
            {
                _scope.RemoveAt(_scope.Count - 1);
            }

            _recursion--;
        }
    }

    private bool EvaluateNode(SchemaNode node, JsonNode? instance, InstancePath? path, bool collect, EvaluatedLocations? annotations)
    {
        var valid = true;
        if (node.Always is { } always)
        {
            if (!always)
            {
                Fail(ref valid, collect, path, "false", "no value is allowed here");
            }

            return always;
        }

        var kind = JsonValues.Kind(instance);

        // unevaluated* sees only this schema's and its in-place subschemas' annotations, not its parent's siblings'.
        var evaluated = annotations;
        var ownRecord = (node.UnevaluatedProperties is not null && kind == JsonValueKind.Object)
            || (node.UnevaluatedItems is not null && kind == JsonValueKind.Array);
        if (ownRecord)
        {
            evaluated = new EvaluatedLocations();
        }

        if (node.Ref is { } target && !Evaluate(target, instance, path, collect, evaluated))
        {
            valid = false;
            if (!collect || Full)
            {
                return false;
            }
        }

        if (node.DynamicRef is { } dynamicTarget && !Evaluate(DynamicTarget(node) ?? dynamicTarget, instance, path, collect, evaluated))
        {
            valid = false;
            if (!collect || Full)
            {
                return false;
            }
        }

        JsonNumber number = default;
        var isNumber = kind == JsonValueKind.Number && JsonValues.TryNumber(instance, out number);

        if (node.Types != JsonTypes.None && !TypeMatches(node.Types, kind, isNumber && number.IsInteger)
            && Fail(ref valid, collect, path, "type", $"must be {TypeList(node.Types)}, not {(isNumber && number.IsInteger ? "integer" : JsonValues.Describe(kind))}"))
        {
            return false;
        }

        if (node.Enum is { } options1)
        {
            Step(options1.Length);
            if (!options1.Any(option => JsonNode.DeepEquals(option, instance))
                && Fail(ref valid, collect, path, "enum", $"must be one of {JsonValues.Show(new JsonArray(options1.Select(o => o?.DeepClone()).ToArray()))}"))
            {
                return false;
            }
        }

        if (node.HasConst && !JsonNode.DeepEquals(node.Const, instance)
            && Fail(ref valid, collect, path, "const", $"must be {JsonValues.Show(node.Const)}"))
        {
            return false;
        }

        var stop = kind switch
        {
            JsonValueKind.Object => !CheckObject(node, instance!.AsObject(), path, collect, ref valid, evaluated),
            JsonValueKind.Array => !CheckArray(node, instance!.AsArray(), path, collect, ref valid, evaluated),
            JsonValueKind.Number when isNumber => !CheckNumber(node, number, path, collect, ref valid),
            JsonValueKind.String => !CheckString(node, instance!.GetValue<string>(), path, collect, ref valid),
            _ => false,
        };
        if (stop)
        {
            return false;
        }

        if (!CheckApplicators(node, instance, path, collect, ref valid, evaluated))
        {
            return false;
        }

        if (ownRecord)
        {
            if (!CheckUnevaluated(node, instance!, kind, path, collect, ref valid, evaluated!))
            {
                return false;
            }

            if (annotations is not null)
            {
                Step(1 + annotations.MergeFrom(evaluated!));
            }
        }

        return valid;
    }

    /// <summary>The outermost resource of the dynamic scope with a matching <c>$dynamicAnchor</c>; null for none.</summary>
    private SchemaNode? DynamicTarget(SchemaNode node)
    {
        if (node.DynamicName is not { } name)
        {
            return null;
        }

        foreach (var resource in _scope)
        {
            if (node.DynamicAnchors!.TryGetValue((resource, name), out var target))
            {
                return target;
            }
        }

        return null;
    }

    /// <summary>
    /// Applies in-place subschemas. With <paramref name="evaluated"/> set, a branch that fails (anyOf, oneOf, if) has its
    /// annotations dropped, and anyOf tries every branch, since each passing one contributes. A failing allOf, $ref,
    /// then/else or dependentSchemas fails this schema anyway; its annotations are kept so the properties it already
    /// reported are not reported a second time as unevaluated.
    /// </summary>
    private bool CheckApplicators(SchemaNode node, JsonNode? instance, InstancePath? path, bool collect, ref bool valid, EvaluatedLocations? evaluated)
    {
        if (node.AllOf is { } allOf)
        {
            foreach (var sub in allOf)
            {
                if (!Evaluate(sub, instance, path, collect, evaluated))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }
        }

        if (node.AnyOf is { } anyOf && !(evaluated is null ? anyOf.Any(sub => Evaluate(sub, instance, path, collect: false)) : AnyOfAll(anyOf, instance, path, evaluated))
            && Fail(ref valid, collect, path, "anyOf", $"must match at least one of the {anyOf.Length} anyOf schemas"))
        {
            return false;
        }

        if (node.OneOf is { } oneOf)
        {
            var matched = new List<int>(2);
            for (var i = 0; i < oneOf.Length && matched.Count < 2; i++)
            {
                var mark = evaluated?.Save();
                if (Evaluate(oneOf[i], instance, path, collect: false, evaluated))
                {
                    matched.Add(i);
                }
                else if (mark is { } before)
                {
                    evaluated!.Restore(before);
                }
            }

            if (matched.Count != 1 && Fail(ref valid, collect, path, "oneOf", matched.Count == 0
                    ? $"must match exactly one of the {oneOf.Length} oneOf schemas, matches none"
                    : $"must match exactly one of the oneOf schemas, matches {matched[0]} and {matched[1]}"))
            {
                return false;
            }
        }

        if (node.Not is { } not && Evaluate(not, instance, path, collect: false)
            && Fail(ref valid, collect, path, "not", "must not match the 'not' schema"))
        {
            return false;
        }

        if (node.If is { } condition)
        {
            var mark = evaluated?.Save();
            var holds = Evaluate(condition, instance, path, collect: false, evaluated);
            if (!holds && mark is { } before)
            {
                evaluated!.Restore(before);
            }

            var branch = holds ? node.Then : node.Else;
            if (branch is not null && !Evaluate(branch, instance, path, collect, evaluated))
            {
                valid = false;
                if (!collect || Full)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>anyOf when annotations are collected: every branch is evaluated; the failing ones leave nothing behind.</summary>
    private bool AnyOfAll(SchemaNode[] anyOf, JsonNode? instance, InstancePath? path, EvaluatedLocations evaluated)
    {
        var any = false;
        foreach (var sub in anyOf)
        {
            var mark = evaluated.Save();
            if (Evaluate(sub, instance, path, collect: false, evaluated))
            {
                any = true;
            }
            else
            {
                evaluated.Restore(mark);
            }
        }

        return any;
    }

    /// <summary>unevaluatedProperties / unevaluatedItems, after every other keyword of the schema has had its say.</summary>
    private bool CheckUnevaluated(SchemaNode node, JsonNode instance, JsonValueKind kind, InstancePath? path, bool collect, ref bool valid, EvaluatedLocations evaluated)
    {
        if (kind == JsonValueKind.Object && node.UnevaluatedProperties is { } properties && !evaluated.AllProperties)
        {
            foreach (var (name, propertyValue) in instance.AsObject())
            {
                Step();
                if (evaluated.HasProperty(name))
                {
                    continue;
                }

                var at = new InstancePath(path, name, 0);
                if (properties.Always == false)
                {
                    if (Fail(ref valid, collect, at, "unevaluatedProperties", $"property '{name}' is not allowed"))
                    {
                        return false;
                    }
                }
                else if (!Evaluate(properties, propertyValue, at, collect))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }

            evaluated.AllProperties = true;
        }

        if (kind == JsonValueKind.Array && node.UnevaluatedItems is { } items && !evaluated.AllItems)
        {
            var array = instance.AsArray();
            for (var i = evaluated.Prefix; i < array.Count; i++)
            {
                Step();
                if (evaluated.HasItem(i))
                {
                    continue;
                }

                var at = new InstancePath(path, null, i);
                if (items.Always == false)
                {
                    if (Fail(ref valid, collect, at, "unevaluatedItems", $"item {i} is not allowed"))
                    {
                        return false;
                    }
                }
                else if (!Evaluate(items, array[i], at, collect))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }

            evaluated.AllItems = true;
        }

        return true;
    }

    private bool CheckObject(SchemaNode node, JsonObject value, InstancePath? path, bool collect, ref bool valid, EvaluatedLocations? evaluated)
    {
        if (node.Required is { } required)
        {
            foreach (var name in required)
            {
                Step();
                if (!value.ContainsKey(name) && Fail(ref valid, collect, path, "required", $"missing required property '{name}'"))
                {
                    return false;
                }
            }
        }

        if (node.MinProperties is { } minProperties && value.Count < minProperties
            && Fail(ref valid, collect, path, "minProperties", $"must have at least {minProperties} properties, has {value.Count}"))
        {
            return false;
        }

        if (node.MaxProperties is { } maxProperties && value.Count > maxProperties
            && Fail(ref valid, collect, path, "maxProperties", $"must have at most {maxProperties} properties, has {value.Count}"))
        {
            return false;
        }

        if (node.DependentRequired is { } dependentRequired)
        {
            foreach (var (trigger, names) in dependentRequired)
            {
                if (!value.ContainsKey(trigger))
                {
                    continue;
                }

                foreach (var name in names)
                {
                    Step();
                    if (!value.ContainsKey(name)
                        && Fail(ref valid, collect, path, "dependentRequired", $"missing property '{name}', required when '{trigger}' is present"))
                    {
                        return false;
                    }
                }
            }
        }

        if (node.DependentSchemas is { } dependentSchemas)
        {
            foreach (var (trigger, schema) in dependentSchemas)
            {
                if (value.ContainsKey(trigger) && !Evaluate(schema, value, path, collect, evaluated))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }
        }

        if (node.Properties is null && node.PatternProperties is null && node.AdditionalProperties is null && node.PropertyNames is null)
        {
            return true;
        }

        // additionalProperties evaluates whatever properties and patternProperties leave, so together they cover all.
        var recordNames = evaluated is not null && node.AdditionalProperties is null;
        if (evaluated is not null && node.AdditionalProperties is not null)
        {
            evaluated.AllProperties = true;
        }

        foreach (var (name, propertyValue) in value)
        {
            Step();
            var at = new InstancePath(path, name, 0);
            if (node.PropertyNames is { } propertyNames && !Evaluate(propertyNames, JsonValue.Create(name), at, collect: false)
                && Fail(ref valid, collect, at, "propertyNames", $"property name '{name}' does not match the propertyNames schema"))
            {
                return false;
            }

            var matched = false;
            if (node.Properties is { } properties && properties.TryGetValue(name, out var propertySchema))
            {
                matched = true;
                if (!Evaluate(propertySchema, propertyValue, at, collect))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }

            if (node.PatternProperties is { } patterns)
            {
                foreach (var (pattern, schema) in patterns)
                {
                    var match = TryMatch(pattern, name);
                    if (match is null && Fail(ref valid, collect, at, "patternProperties", $"matching the pattern {pattern.Source} took too long"))
                    {
                        return false;
                    }

                    if (match != true)
                    {
                        continue;
                    }

                    matched = true;
                    if (!Evaluate(schema, propertyValue, at, collect))
                    {
                        valid = false;
                        if (!collect || Full)
                        {
                            return false;
                        }
                    }
                }
            }

            if (matched && recordNames)
            {
                evaluated!.AddProperty(name);
            }

            if (!matched && node.AdditionalProperties is { } additional)
            {
                if (additional.Always == false)
                {
                    if (Fail(ref valid, collect, at, "additionalProperties", $"property '{name}' is not allowed"))
                    {
                        return false;
                    }
                }
                else if (!Evaluate(additional, propertyValue, at, collect))
                {
                    valid = false;
                    if (!collect || Full)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private bool CheckArray(SchemaNode node, JsonArray value, InstancePath? path, bool collect, ref bool valid, EvaluatedLocations? evaluated)
    {
        if (node.MinItems is { } minItems && value.Count < minItems
            && Fail(ref valid, collect, path, "minItems", $"must have at least {minItems} items, has {value.Count}"))
        {
            return false;
        }

        if (node.MaxItems is { } maxItems && value.Count > maxItems
            && Fail(ref valid, collect, path, "maxItems", $"must have at most {maxItems} items, has {value.Count}"))
        {
            return false;
        }

        var prefix = node.PrefixItems?.Length ?? 0;
        if (evaluated is not null)
        {
            // prefixItems evaluates the items it reaches; items evaluates every item after them.
            evaluated.AddPrefix(Math.Min(prefix, value.Count));
            if (node.Items is not null)
            {
                evaluated.AllItems = true;
            }
        }

        for (var i = 0; i < value.Count; i++)
        {
            var schema = i < prefix ? node.PrefixItems![i] : node.Items;
            if (schema is null)
            {
                if (i >= prefix)
                {
                    break;
                }

                continue;
            }

            Step();
            var at = new InstancePath(path, null, i);
            if (schema.Always == false && i >= prefix)
            {
                if (Fail(ref valid, collect, at, "items", $"no item is allowed after the first {prefix}"))
                {
                    return false;
                }

                break;
            }

            if (!Evaluate(schema, value[i], at, collect))
            {
                valid = false;
                if (!collect || Full)
                {
                    return false;
                }
            }
        }

        if (node.Contains is { } contains)
        {
            var count = 0;
            for (var i = 0; i < value.Count; i++)
            {
                if (Evaluate(contains, value[i], path, collect: false))
                {
                    count++;
                    evaluated?.AddItem(i);
                }
            }

            var minContains = node.MinContains ?? 1;
            if (count < minContains && Fail(ref valid, collect, path, node.MinContains is null ? "contains" : "minContains",
                    $"must contain at least {minContains} matching item{(minContains == 1 ? "" : "s")}, contains {count}"))
            {
                return false;
            }

            if (node.MaxContains is { } maxContains && count > maxContains
                && Fail(ref valid, collect, path, "maxContains", $"must contain at most {maxContains} matching items, contains {count}"))
            {
                return false;
            }
        }

        if (node.UniqueItems && value.Count > 1)
        {
            var seen = new Dictionary<int, List<int>>();
            for (var i = 0; i < value.Count; i++)
            {
                Step();
                var hash = JsonValues.Hash(value[i]);
                if (!seen.TryGetValue(hash, out var same))
                {
                    seen[hash] = [i];
                    continue;
                }

                foreach (var j in same)
                {
                    Step();
                    if (JsonNode.DeepEquals(value[i], value[j]))
                    {
                        if (Fail(ref valid, collect, path, "uniqueItems", $"items {j} and {i} are equal; items must be unique"))
                        {
                            return false;
                        }

                        goto unique;
                    }
                }

                same.Add(i);
            }
        }

    unique:
        return true;
    }

    private bool CheckNumber(SchemaNode node, JsonNumber value, InstancePath? path, bool collect, ref bool valid)
    {
        if (node.Minimum is { } minimum && value.CompareTo(minimum) < 0
            && Fail(ref valid, collect, path, "minimum", $"must be >= {minimum}"))
        {
            return false;
        }

        if (node.Maximum is { } maximum && value.CompareTo(maximum) > 0
            && Fail(ref valid, collect, path, "maximum", $"must be <= {maximum}"))
        {
            return false;
        }

        if (node.ExclusiveMinimum is { } exclusiveMinimum && value.CompareTo(exclusiveMinimum) <= 0
            && Fail(ref valid, collect, path, "exclusiveMinimum", $"must be > {exclusiveMinimum}"))
        {
            return false;
        }

        if (node.ExclusiveMaximum is { } exclusiveMaximum && value.CompareTo(exclusiveMaximum) >= 0
            && Fail(ref valid, collect, path, "exclusiveMaximum", $"must be < {exclusiveMaximum}"))
        {
            return false;
        }

        if (node.MultipleOf is { } multipleOf && !IsMultiple(value, multipleOf)
            && Fail(ref valid, collect, path, "multipleOf", $"must be a multiple of {multipleOf}"))
        {
            return false;
        }

        return true;
    }

    private static bool IsMultiple(JsonNumber value, JsonNumber divisor)
    {
        if (value.Exact is { } v && divisor.Exact is { } d && d != 0)
        {
            try
            {
                return v % d == 0;
            }
            catch (OverflowException)
            {
                // Fall through to the double computation.
            }
        }

        var quotient = value.Approximate / divisor.Approximate;
        return double.IsFinite(quotient) && Math.Abs(quotient - Math.Round(quotient)) <= 1e-9 * Math.Max(1, Math.Abs(quotient));
    }

    private bool CheckString(SchemaNode node, string value, InstancePath? path, bool collect, ref bool valid)
    {
        if (node.MinLength is not null || node.MaxLength is not null)
        {
            Step(1 + value.Length / 256);
            var length = CodePoints(value);
            if (node.MinLength is { } minLength && length < minLength
                && Fail(ref valid, collect, path, "minLength", $"must be at least {minLength} characters long, is {length}"))
            {
                return false;
            }

            if (node.MaxLength is { } maxLength && length > maxLength
                && Fail(ref valid, collect, path, "maxLength", $"must be at most {maxLength} characters long, is {length}"))
            {
                return false;
            }
        }

        if (node.Pattern is { } pattern)
        {
            Step(1 + value.Length / 256);
            var match = TryMatch(pattern, value);
            if (match != true && Fail(ref valid, collect, path, "pattern", match is null
                    ? $"matching the pattern {pattern.Source} took too long"
                    : $"must match the pattern {pattern.Source}"))
            {
                return false;
            }
        }

        if (options.AssertFormat && node.Format is { } format && FormatChecks.Check(format, value) == false
            && Fail(ref valid, collect, path, "format", $"must be a valid {format}"))
        {
            return false;
        }

        return true;
    }

    /// <summary>A pattern match; null when it timed out.</summary>
    private static bool? TryMatch(PatternCheck pattern, string text)
    {
        try
        {
            return pattern.Regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    internal static int CodePoints(string value)
    {
        var count = value.Length;
        for (var i = 0; i + 1 < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    private static bool TypeMatches(JsonTypes types, JsonValueKind kind, bool isInteger) => kind switch
    {
        JsonValueKind.Null => types.HasFlag(JsonTypes.Null),
        JsonValueKind.True or JsonValueKind.False => types.HasFlag(JsonTypes.Boolean),
        JsonValueKind.Object => types.HasFlag(JsonTypes.Object),
        JsonValueKind.Array => types.HasFlag(JsonTypes.Array),
        JsonValueKind.String => types.HasFlag(JsonTypes.String),
        JsonValueKind.Number => types.HasFlag(JsonTypes.Number) || (isInteger && types.HasFlag(JsonTypes.Integer)),
        _ => false,
    };

    private static string TypeList(JsonTypes types)
    {
        var names = Enum.GetValues<JsonTypes>().Where(t => t != JsonTypes.None && types.HasFlag(t)).Select(t => t.ToString().ToLowerInvariant()).ToArray();
        return names.Length == 1 ? names[0] : string.Join(" or ", names);
    }
}
