using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Loading;

/// <summary>
/// The problems found while reading one rule.yml, each with its key, and the shape checks every reader shares: a map
/// or a list, also given as a JSON string, and scalar fields as text.
/// </summary>
internal sealed class RuleConfigIssues(RuleEngineOptions options)
{
    public List<RuleConfigIssue> Errors { get; } = [];

    public List<RuleConfigIssue> Warnings { get; } = [];

    public List<KeyValuePair<string, JsonNode?>> Map(JsonNode? node, string key)
    {
        var o = ObjectOrJson(node, key, allowEmptyString: true);
        return o is null ? [] : [.. o];
    }

    /// <summary>An object, or a JSON string holding one (null/empty means absent); reports anything else.</summary>
    public JsonObject? ObjectOrJson(JsonNode? node, string key, bool allowEmptyString = false)
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

    public JsonArray? ArrayOrJson(JsonNode? node, string key)
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

    public void Error(string key, string message) => Errors.Add(new(key, message));

    public void Warn(string key, string message) => Warnings.Add(new(key, message));

    public void Unknown(string key, string field, string what)
    {
        var issue = new RuleConfigIssue($"{key}.{field}", $"unknown {what} field");
        (options.RejectUnknownFields ? Errors : Warnings).Add(issue);
    }

    /// <summary>A scalar field as text; objects and arrays are reported.</summary>
    public string? Text(JsonObject o, string field, string path)
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
