using System.Text.Json;
using System.Text.Json.Nodes;

namespace LightFabric.JsonSchema;

/// <summary>
/// The schema resources of the documents one compilation reads: which JSON object each absolute URI (a root, an
/// <c>$id</c>) names, each subschema's base URI, and the <c>$anchor</c>/<c>$dynamicAnchor</c> names per resource. Built
/// by walking the keywords that hold subschemas only, so an <c>$id</c> inside <c>enum</c>, <c>const</c> or a
/// property named "$id" is not an identifier.
/// </summary>
internal sealed class SchemaResources(bool draft7Ids)
{
    /// <summary>Base URI of a document without <c>$id</c>: never fetched, only lets relative references resolve.</summary>
    public const string DefaultBase = "urn:lightfabric:schema";

    private static readonly string[] SingleSubschema =
        ["additionalProperties", "propertyNames", "additionalItems", "contains", "not", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems"];

    private static readonly string[] SubschemaMaps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

    private static readonly string[] SubschemaLists = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

    private readonly Dictionary<string, JsonNode> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode> _anchors = new(StringComparer.Ordinal);
    private readonly Dictionary<JsonNode, string> _baseOf = new(ReferenceEqualityComparer.Instance);

    /// <summary>Dynamic anchors as "resource#name" → the schema holding the <c>$dynamicAnchor</c>.</summary>
    public Dictionary<string, JsonNode> DynamicAnchors { get; } = new(StringComparer.Ordinal);

    public bool HasDocument(string uri) => _resources.ContainsKey(uri);

    /// <summary>Registers a document under the URI it was given by (and under its own <c>$id</c>s).</summary>
    public void AddDocument(JsonNode document, string uri)
    {
        _resources.TryAdd(uri, document);
        Walk(document, uri);
    }

    public JsonNode? Resource(string uri) => _resources.GetValueOrDefault(uri);

    public JsonNode? Anchor(string resource, string name) => _anchors.GetValueOrDefault(resource + "#" + name);

    /// <summary>The base URI of a schema the walk reached; null for one it did not (a target inside an unknown keyword).</summary>
    public string? BaseOf(JsonNode node) => _baseOf.GetValueOrDefault(node);

    /// <summary>Resolves a reference against a base URI; answers the absolute URI without fragment, and the fragment.</summary>
    public static (string Resource, string Fragment)? Combine(string baseUri, string reference)
    {
        var hash = reference.IndexOf('#');
        var target = hash < 0 ? reference : reference[..hash];
        var fragment = hash < 0 ? "" : reference[(hash + 1)..];
        if (target.Length == 0)
        {
            return (baseUri, fragment);
        }

        // Only a reference with a scheme is absolute (on Unix, .NET reads "/a/b.json" as an absolute file path).
        if (HasScheme(target) && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
        {
            return (Text(absolute), fragment);
        }

        if (Uri.TryCreate(baseUri, UriKind.Absolute, out var b) && !b.IsUnc && b.Scheme is not "urn" && Uri.TryCreate(b, target, out var combined))
        {
            return (Text(combined), fragment);
        }

        return null;
    }

    private static bool HasScheme(string reference)
    {
        var colon = reference.IndexOf(':');
        return colon > 0 && char.IsAsciiLetter(reference[0]) && reference.AsSpan(0, colon).IndexOfAnyExcept(SchemeCharacters) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    private static string Text(Uri uri)
    {
        var text = uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;
        var hash = text.IndexOf('#');
        return hash < 0 ? text : text[..hash];
    }

    private void Walk(JsonNode? node, string baseUri)
    {
        if (node is not JsonObject schema)
        {
            if (node is not null)
            {
                _baseOf.TryAdd(node, baseUri);
            }

            return;
        }

        // Draft-07: $ref replaces its siblings, $id included.
        var ignoresSiblings = draft7Ids && schema.ContainsKey("$ref");
        if (!ignoresSiblings && String(schema, "$id") is { } id)
        {
            if (draft7Ids && id.StartsWith('#'))
            {
                _anchors.TryAdd(baseUri + id, schema);
            }
            else if (Combine(baseUri, id) is var (resource, fragment))
            {
                baseUri = resource;
                _resources.TryAdd(resource, schema);
                if (fragment.Length > 0)
                {
                    _anchors.TryAdd(resource + "#" + fragment, schema);
                }
            }
        }

        _baseOf.TryAdd(schema, baseUri);
        if (ignoresSiblings)
        {
            WalkChildren(schema, baseUri, onlyDefinitions: true);
            return;
        }

        if (String(schema, "$anchor") is { } anchor)
        {
            _anchors.TryAdd(baseUri + "#" + anchor, schema);
        }

        if (String(schema, "$dynamicAnchor") is { } dynamicAnchor)
        {
            _anchors.TryAdd(baseUri + "#" + dynamicAnchor, schema);
            DynamicAnchors.TryAdd(baseUri + "#" + dynamicAnchor, schema);
        }

        WalkChildren(schema, baseUri, onlyDefinitions: false);
    }

    private void WalkChildren(JsonObject schema, string baseUri, bool onlyDefinitions)
    {
        foreach (var (keyword, value) in schema)
        {
            var isDefinitions = keyword is "$defs" or "definitions";
            if (onlyDefinitions && !isDefinitions)
            {
                continue;
            }

            if (SubschemaMaps.Contains(keyword) && value is JsonObject map)
            {
                foreach (var (_, sub) in map)
                {
                    if (sub is not JsonArray)
                    {
                        Walk(sub, baseUri);
                    }
                }
            }
            else if (SubschemaLists.Contains(keyword) && value is JsonArray list)
            {
                foreach (var sub in list)
                {
                    Walk(sub, baseUri);
                }
            }
            else if (SingleSubschema.Contains(keyword) || keyword == "items")
            {
                Walk(value, baseUri);
            }
        }
    }

    private static string? String(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
