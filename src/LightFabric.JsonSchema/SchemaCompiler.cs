using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.JsonSchema;

/// <summary>
/// Turns a schema document into linked <see cref="SchemaNode"/>s: keyword values checked, patterns compiled, local
/// <c>$ref</c>s resolved, bounds enforced. Draft-07 spellings (definitions, items as an array, additionalItems,
/// dependencies, boolean exclusiveMinimum/Maximum) are read as their 2020-12 equivalents. A document whose root
/// <c>$schema</c> names draft-03 to draft-07 keeps <c>unevaluatedProperties</c>/<c>unevaluatedItems</c> ignored, as
/// those drafts have no such keywords; without <c>$schema</c> they apply (2020-12).
/// </summary>
internal sealed class SchemaCompiler
{
    private readonly JsonSchemaOptions _options;
    private readonly Dictionary<JsonNode, SchemaNode> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly List<(SchemaNode Node, string Ref, string Base, bool Dynamic)> _pendingRefs = [];
    private readonly Dictionary<string, string> _baseNames = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, string Name), SchemaNode> _dynamicAnchors = [];
    private SchemaResources _resources = null!;
    private string _base = SchemaResources.DefaultBase;
    private bool _withoutUnevaluated;
    private int _count;

    private SchemaCompiler(JsonSchemaOptions options)
    {
        _options = options;
    }

    public static SchemaNode Compile(JsonNode? document, JsonSchemaOptions options)
    {
        if (document is null)
        {
            throw new JsonSchemaException("a schema must be an object or a boolean, not null");
        }

        var jsonDepth = JsonDepth(document, 2 * options.MaxDepth + 2);
        if (jsonDepth > 2 * options.MaxDepth + 2)
        {
            throw new JsonSchemaException($"the schema document is nested deeper than {2 * options.MaxDepth + 2} levels");
        }

        var bytes = Encoding.UTF8.GetByteCount(document.ToJsonString());
        if (bytes > options.MaxSchemaBytes)
        {
            throw new JsonSchemaException($"the schema is {bytes} bytes; at most {options.MaxSchemaBytes} are accepted");
        }

        var compiler = new SchemaCompiler(options);
        if (document is JsonObject withDialect && withDialect["$schema"] is JsonValue dialect && dialect.GetValueKind() == JsonValueKind.String)
        {
            compiler._withoutUnevaluated = IsDraftBefore2019(dialect.GetValue<string>());
        }

        compiler._resources = new SchemaResources(draft7Ids: compiler._withoutUnevaluated);
        compiler._resources.AddDocument(document, SchemaResources.DefaultBase);
        var node = compiler.CompileNode(document, "", 0);
        compiler.ResolveRefs();
        return node;
    }

    /// <summary>Draft-03 to draft-07 meta-schema URIs (http or https, with or without the trailing #).</summary>
    private static bool IsDraftBefore2019(string uri)
    {
        const string Draft = "json-schema.org/draft-0";
        var at = uri.IndexOf(Draft, StringComparison.OrdinalIgnoreCase);
        return at >= 0 && at + Draft.Length < uri.Length && uri[at + Draft.Length] is >= '3' and <= '7';
    }

    /// <summary>JSON nesting of a value (a scalar is 0), counted up to <paramref name="stopAfter"/>+1 without recursion.</summary>
    internal static int JsonDepth(JsonNode? node, int stopAfter)
    {
        var max = 0;
        var stack = new Stack<(JsonNode? Node, int Depth)>();
        stack.Push((node, 0));
        while (stack.Count > 0)
        {
            var (current, depth) = stack.Pop();
            if (current is JsonObject or JsonArray)
            {
                depth++;
                if (depth > max)
                {
                    max = depth;
                    if (max > stopAfter)
                    {
                        return max;
                    }
                }

                var children = current is JsonObject o ? o.Select(p => p.Value) : current.AsArray();
                foreach (var child in children)
                {
                    stack.Push((child, depth));
                }
            }
        }

        return max;
    }

    private SchemaNode CompileNode(JsonNode? value, string pointer, int depth)
    {
        if (depth > _options.MaxDepth)
        {
            throw Problem(pointer, $"subschemas are nested deeper than {_options.MaxDepth} levels");
        }

        if (value is not null && _nodes.TryGetValue(value, out var known))
        {
            return known;
        }

        if (++_count > _options.MaxSubschemas)
        {
            throw new JsonSchemaException($"the schema has more than {_options.MaxSubschemas} subschemas");
        }

        if (value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            var boolean = new SchemaNode { Always = b.GetValueKind() == JsonValueKind.True, Pointer = pointer, Base = _base };
            _nodes[value] = boolean;
            return boolean;
        }

        if (value is not JsonObject schema)
        {
            throw Problem(pointer, "a schema must be an object or a boolean");
        }

        var outerBase = _base;
        _base = BaseName(_resources.BaseOf(schema) ?? _base);
        try
        {
            return CompileObject(schema, pointer, depth);
        }
        finally
        {
            _base = outerBase;
        }
    }

    private SchemaNode CompileObject(JsonObject schema, string pointer, int depth)
    {
        var node = new SchemaNode { Pointer = pointer, Base = _base };
        _nodes[schema] = node;
        if (_withoutUnevaluated && schema["$ref"] is { } onlyRef)
        {
            // Draft-07 and older: $ref replaces every sibling keyword.
            _pendingRefs.Add((node, Text(onlyRef, $"{pointer}/$ref"), _base, false));
            return node;
        }

        JsonNode? items = null;
        JsonNode? additionalItems = null;
        bool exclusiveMinimumFlag = false, exclusiveMaximumFlag = false;

        foreach (var (keyword, keywordValue) in schema)
        {
            var at = $"{pointer}/{Escape(keyword)}";
            switch (keyword)
            {
                case "type":
                    node.Types = ReadTypes(keywordValue, at);
                    break;
                case "enum":
                    node.Enum = keywordValue is JsonArray values
                        ? values.Select(v => v?.DeepClone()).ToArray()
                        : throw Problem(at, "must be an array");
                    break;
                case "const":
                    node.HasConst = true;
                    node.Const = keywordValue?.DeepClone();
                    break;
                case "$ref":
                    _pendingRefs.Add((node, Text(keywordValue, at), _base, false));
                    break;
                case "$dynamicRef":
                    _pendingRefs.Add((node, Text(keywordValue, at), _base, true));
                    break;
                case "$recursiveRef":
                    // 2019-09's form, read as a plain reference unless $ref is there too.
                    if (!schema.ContainsKey("$ref"))
                    {
                        _pendingRefs.Add((node, Text(keywordValue, at), _base, false));
                    }

                    break;
                case "$anchor":
                case "$dynamicAnchor":
                    // Collected with the resources (SchemaResources); only the value's type is checked here.
                    Text(keywordValue, at);
                    break;
                case "$defs":
                case "definitions":
                    foreach (var (name, sub) in Object(keywordValue, at))
                    {
                        CompileNode(sub, $"{at}/{Escape(name)}", depth + 1);
                    }

                    break;
                case "properties":
                    node.Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
                    foreach (var (name, sub) in Object(keywordValue, at))
                    {
                        node.Properties[name] = CompileNode(sub, $"{at}/{Escape(name)}", depth + 1);
                    }

                    break;
                case "patternProperties":
                    node.PatternProperties = Object(keywordValue, at)
                        .Select(p => (MakePattern(p.Key, at), CompileNode(p.Value, $"{at}/{Escape(p.Key)}", depth + 1)))
                        .ToArray();
                    break;
                case "additionalProperties":
                    node.AdditionalProperties = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "propertyNames":
                    node.PropertyNames = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "minProperties":
                    node.MinProperties = Count(keywordValue, at);
                    break;
                case "maxProperties":
                    node.MaxProperties = Count(keywordValue, at);
                    break;
                case "required":
                    node.Required = Strings(keywordValue, at);
                    break;
                case "dependentRequired":
                    node.DependentRequired = Object(keywordValue, at)
                        .ToDictionary(p => p.Key, p => Strings(p.Value, $"{at}/{Escape(p.Key)}"), StringComparer.Ordinal);
                    break;
                case "dependentSchemas":
                    node.DependentSchemas = Object(keywordValue, at)
                        .ToDictionary(p => p.Key, p => CompileNode(p.Value, $"{at}/{Escape(p.Key)}", depth + 1), StringComparer.Ordinal);
                    break;
                case "dependencies":
                    // Draft-07: an array is dependentRequired, a schema dependentSchemas.
                    foreach (var (name, dependency) in Object(keywordValue, at))
                    {
                        if (dependency is JsonArray)
                        {
                            (node.DependentRequired ??= new(StringComparer.Ordinal))[name] = Strings(dependency, $"{at}/{Escape(name)}");
                        }
                        else
                        {
                            (node.DependentSchemas ??= new(StringComparer.Ordinal))[name] = CompileNode(dependency, $"{at}/{Escape(name)}", depth + 1);
                        }
                    }

                    break;
                case "prefixItems":
                    node.PrefixItems = SchemaArray(keywordValue, at, depth);
                    break;
                case "items":
                    items = keywordValue;
                    break;
                case "additionalItems":
                    additionalItems = keywordValue;
                    break;
                case "contains":
                    node.Contains = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "minContains":
                    node.MinContains = Count(keywordValue, at);
                    break;
                case "maxContains":
                    node.MaxContains = Count(keywordValue, at);
                    break;
                case "minItems":
                    node.MinItems = Count(keywordValue, at);
                    break;
                case "maxItems":
                    node.MaxItems = Count(keywordValue, at);
                    break;
                case "uniqueItems":
                    node.UniqueItems = Boolean(keywordValue, at);
                    break;
                case "minimum":
                    node.Minimum = Number(keywordValue, at);
                    break;
                case "maximum":
                    node.Maximum = Number(keywordValue, at);
                    break;
                case "exclusiveMinimum":
                    if (IsBoolean(keywordValue))
                    {
                        exclusiveMinimumFlag = Boolean(keywordValue, at);
                    }
                    else
                    {
                        node.ExclusiveMinimum = Number(keywordValue, at);
                    }

                    break;
                case "exclusiveMaximum":
                    if (IsBoolean(keywordValue))
                    {
                        exclusiveMaximumFlag = Boolean(keywordValue, at);
                    }
                    else
                    {
                        node.ExclusiveMaximum = Number(keywordValue, at);
                    }

                    break;
                case "multipleOf":
                    node.MultipleOf = Number(keywordValue, at);
                    if (node.MultipleOf.Value.Approximate <= 0)
                    {
                        throw Problem(at, "must be greater than 0");
                    }

                    break;
                case "minLength":
                    node.MinLength = Count(keywordValue, at);
                    break;
                case "maxLength":
                    node.MaxLength = Count(keywordValue, at);
                    break;
                case "pattern":
                    node.Pattern = MakePattern(Text(keywordValue, at), at);
                    break;
                case "format":
                    node.Format = Text(keywordValue, at);
                    break;
                case "allOf":
                    node.AllOf = SchemaArray(keywordValue, at, depth, nonEmpty: true);
                    break;
                case "anyOf":
                    node.AnyOf = SchemaArray(keywordValue, at, depth, nonEmpty: true);
                    break;
                case "oneOf":
                    node.OneOf = SchemaArray(keywordValue, at, depth, nonEmpty: true);
                    break;
                case "not":
                    node.Not = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "if":
                    node.If = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "then":
                    node.Then = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "else":
                    node.Else = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "unevaluatedProperties" when !_withoutUnevaluated:
                    node.UnevaluatedProperties = CompileNode(keywordValue, at, depth + 1);
                    break;
                case "unevaluatedItems" when !_withoutUnevaluated:
                    node.UnevaluatedItems = CompileNode(keywordValue, at, depth + 1);
                    break;
                default:
                    // Annotations ($schema, $id, title, description, default, examples, …), x-* extensions, unknown
                    // keywords and unevaluated* of a draft-07 (or older) document are ignored.
                    break;
            }
        }

        if (items is JsonArray tuple)
        {
            // Draft-07 tuple form: items [...] is prefixItems, additionalItems is items.
            node.PrefixItems ??= SchemaArray(tuple, $"{pointer}/items", depth);
            if (additionalItems is not null)
            {
                node.Items = CompileNode(additionalItems, $"{pointer}/additionalItems", depth + 1);
            }
        }
        else if (items is not null || schema.ContainsKey("items"))
        {
            node.Items = CompileNode(items, $"{pointer}/items", depth + 1);
        }

        if (exclusiveMinimumFlag && node.Minimum is { } min)
        {
            node.ExclusiveMinimum = min;
            node.Minimum = null;
        }

        if (exclusiveMaximumFlag && node.Maximum is { } max)
        {
            node.ExclusiveMaximum = max;
            node.Maximum = null;
        }

        return node;
    }

    private void ResolveRefs()
    {
        // Resolving may compile a target no keyword reached (e.g. #/components/x, a remote document), which may add
        // references and dynamic anchors; both are worked off until nothing is left.
        var anchorsDone = 0;
        for (var i = 0; i < _pendingRefs.Count || anchorsDone < _resources.DynamicAnchors.Count; i++)
        {
            if (i < _pendingRefs.Count)
            {
                var (node, reference, baseUri, dynamic) = _pendingRefs[i];
                var (target, resource, fragment) = Resolve(reference, baseUri, node.Pointer);
                if (!dynamic)
                {
                    node.Ref = target;
                    continue;
                }

                node.DynamicRef = target;
                if (fragment.Length > 0 && fragment[0] != '/' && _resources.DynamicAnchors.ContainsKey(resource + "#" + fragment))
                {
                    // Only a $dynamicRef whose first target has the same $dynamicAnchor looks at the dynamic scope.
                    node.DynamicName = fragment;
                    node.DynamicAnchors = _dynamicAnchors;
                }

                continue;
            }

            foreach (var (key, schema) in _resources.DynamicAnchors.Skip(anchorsDone).ToList())
            {
                var hash = key.LastIndexOf('#');
                _dynamicAnchors[(BaseName(key[..hash]), key[(hash + 1)..])] = CompileNode(schema, key, 1);
                anchorsDone++;
            }

            i--;
        }
    }

    private (SchemaNode Node, string Resource, string Fragment) Resolve(string reference, string baseUri, string from)
    {
        var external = Problem($"{from}/$ref", $"'{reference}' is an external reference; only references inside the schema (#, #/$defs/name, #anchor, a subschema's $id) and documents given in JsonSchemaOptions.Documents are resolved, the gateway does not fetch schemas");
        if (SchemaResources.Combine(baseUri, reference) is not var (resource, rawFragment))
        {
            throw external;
        }

        string fragment;
        try
        {
            fragment = Uri.UnescapeDataString(rawFragment);
        }
        catch (UriFormatException)
        {
            throw Problem($"{from}/$ref", $"'{reference}' is not a valid reference");
        }

        var root = _resources.Resource(resource);
        if (root is null && _options.Documents is { } documents && documents.TryGetValue(resource, out var document))
        {
            _resources.AddDocument(document, resource);
            root = document;
        }

        if (root is null)
        {
            throw external;
        }

        JsonNode? target;
        if (fragment.Length == 0)
        {
            target = root;
        }
        else if (fragment[0] == '/')
        {
            target = Navigate(root, fragment) ?? throw Problem($"{from}/$ref", $"'{reference}' points at nothing in this schema");
        }
        else
        {
            target = _resources.Anchor(resource, fragment) ?? throw Problem($"{from}/$ref", $"'{reference}' names no $anchor of this schema");
        }

        var outerBase = _base;
        _base = BaseName(_resources.BaseOf(target) ?? resource);
        try
        {
            var pointer = ReferenceEquals(resource, SchemaResources.DefaultBase) || resource == SchemaResources.DefaultBase ? fragment : $"{resource}#{fragment}";
            return (CompileNode(target, pointer, 1), resource, fragment);
        }
        finally
        {
            _base = outerBase;
        }
    }

    /// <summary>One string instance per base URI, so the evaluator compares resources by reference.</summary>
    private string BaseName(string uri)
    {
        if (!_baseNames.TryGetValue(uri, out var name))
        {
            _baseNames[uri] = name = uri;
        }

        return name;
    }

    private static JsonNode? Navigate(JsonNode root, string pointer)
    {
        var current = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(segment, out var child) => child ?? JsonValue.Create((string?)null),
                JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count => a[index],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private SchemaNode[] SchemaArray(JsonNode? value, string at, int depth, bool nonEmpty = false)
    {
        if (value is not JsonArray array || (nonEmpty && array.Count == 0))
        {
            throw Problem(at, nonEmpty ? "must be a non-empty array of schemas" : "must be an array of schemas");
        }

        var nodes = new SchemaNode[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            nodes[i] = CompileNode(array[i], $"{at}/{i}", depth + 1);
        }

        return nodes;
    }

    private PatternCheck MakePattern(string pattern, string at)
    {
        try
        {
            return new PatternCheck(pattern, MakeRegex(pattern, _options.RegexTimeout));
        }
        catch (ArgumentException ex)
        {
            throw Problem(at, $"'{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    /// <summary>How long a linear-time match may run (the backtracking engine has the configured, shorter limit).</summary>
    internal static readonly TimeSpan LinearMatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A linear-time matcher where .NET has one for the pattern; else backtracking under <paramref name="timeout"/>.</summary>
    internal static Regex MakeRegex(string pattern, TimeSpan timeout)
    {
        try
        {
            pattern = EcmaPattern.ToDotNet(pattern);

            // Linear in the input: its limit only stops a runaway input, and is generous so that a busy machine never
            // turns a trivial match into a validation error.
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, LinearMatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds, atomic groups: not available to the non-backtracking engine.
            return new Regex(pattern, RegexOptions.CultureInvariant, timeout);
        }
    }

    private static JsonTypes ReadTypes(JsonNode? value, string at)
    {
        if (value is JsonArray array)
        {
            var types = JsonTypes.None;
            foreach (var item in array)
            {
                types |= TypeName(item, at);
            }

            return types == JsonTypes.None ? throw Problem(at, "must name at least one type") : types;
        }

        return TypeName(value, at);
    }

    private static JsonTypes TypeName(JsonNode? value, string at) => (value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null) switch
    {
        "null" => JsonTypes.Null,
        "boolean" => JsonTypes.Boolean,
        "object" => JsonTypes.Object,
        "array" => JsonTypes.Array,
        "number" => JsonTypes.Number,
        "string" => JsonTypes.String,
        "integer" => JsonTypes.Integer,
        var other => throw Problem(at, $"'{other ?? value?.ToJsonString() ?? "null"}' is not a JSON Schema type (null, boolean, object, array, number, string, integer)"),
    };

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Object(JsonNode? value, string at) =>
        value as JsonObject ?? throw Problem(at, "must be an object");

    private static string Text(JsonNode? value, string at) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Problem(at, "must be a string");

    private static string[] Strings(JsonNode? value, string at) =>
        value is JsonArray array ? array.Select((item, i) => Text(item, $"{at}/{i}")).ToArray() : throw Problem(at, "must be an array of strings");

    private static bool IsBoolean(JsonNode? value) => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    private static bool Boolean(JsonNode? value, string at) =>
        IsBoolean(value) ? value!.GetValueKind() == JsonValueKind.True : throw Problem(at, "must be true or false");

    private static JsonNumber Number(JsonNode? value, string at) =>
        JsonValues.TryNumber(value, out var number) ? number : throw Problem(at, "must be a number");

    private static int Count(JsonNode? value, string at)
    {
        if (JsonValues.TryNumber(value, out var number) && number.IsInteger && number.Approximate >= 0)
        {
            return number.Approximate >= int.MaxValue ? int.MaxValue : (int)number.Approximate;
        }

        throw Problem(at, "must be a non-negative integer");
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonSchemaException Problem(string pointer, string message) =>
        new($"{(pointer.Length == 0 ? "#" : "#" + pointer)}: {message}");
}
