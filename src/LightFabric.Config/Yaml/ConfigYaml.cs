using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LightFabric.Config;

/// <summary>
/// YAML (or JSON, which is YAML) text to <see cref="JsonNode"/> trees and back.
/// Plain scalars follow the YAML 1.2 core schema (true/false, null/~, integers, floats); quoted scalars,
/// block scalars and <c>!!str</c> stay strings.
/// </summary>
public static class ConfigYaml
{
    public static JsonNode? Parse(string text, string sourceName) => ParseWithLines(text, sourceName).Root;

    public static string Write(JsonNode? node) => YamlWriter.Write(node);

    /// <summary>Parses and records the line of every node by key path ("a.b", "list[0]"), for error messages.</summary>
    internal static ParsedYaml ParseWithLines(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw new ConfigException(
                new ConfigProblem($"invalid YAML: {Describe(ex)}; fix the syntax at column {ex.Start.Column}", sourceName, null, (int)ex.Start.Line),
                ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way when the text ends inside a flow collection or quoted scalar.
            var line = parser.Current is { } current ? (int?)current.Start.Line : null;
            throw new ConfigException(
                new ConfigProblem("invalid YAML: the text ends inside a '[...]', '{...}' or quoted value that starts near here; close it",
                    sourceName, null, line),
                ex);
        }

        if (stream.Documents.Count == 0)
        {
            return new ParsedYaml(null, lines);
        }

        if (stream.Documents.Count > 1)
        {
            throw new ConfigException(new ConfigProblem(
                "contains more than one YAML document ('---'); keep one document per configuration file",
                sourceName, null, (int)stream.Documents[1].RootNode.Start.Line));
        }

        var root = Convert(stream.Documents[0].RootNode, "", lines, sourceName);
        return new ParsedYaml(root, lines);
    }

    internal static bool TryParseFlow(string text, out JsonNode? node)
    {
        try
        {
            node = Parse(text, "flow value");
            return true;
        }
        catch (ConfigException)
        {
            node = null;
            return false;
        }
    }

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, int> lines, string sourceName)
    {
        lines.TryAdd(path, (int)node.Start.Line);
        switch (node)
        {
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            case YamlSequenceNode sequence:
            {
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, $"{path}[{index}]", lines, sourceName));
                    index++;
                }

                return array;
            }
            case YamlMappingNode mapping:
            {
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new ConfigException(new ConfigProblem(
                            "map keys must be plain text; quote the key", sourceName, path.Length == 0 ? null : path, (int)keyNode.Start.Line));
                    }

                    var childPath = ConfigPath.Child(path, key);
                    if (obj.ContainsKey(key))
                    {
                        throw new ConfigException(new ConfigProblem(
                            "duplicate key; remove one of the entries", sourceName, childPath, (int)keyNode.Start.Line));
                    }

                    obj[key] = Convert(valueNode, childPath, lines, sourceName);
                }

                return obj;
            }
            default:
                throw new ConfigException(new ConfigProblem("unsupported YAML node", sourceName, path, (int)node.Start.Line));
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(text);
        }

        if (scalar.Style is ScalarStyle.Plain || tag is not null && tag != "!")
        {
            return YamlScalars.TypePlain(text);
        }

        return JsonValue.Create(text);
    }

    // YamlDotNet messages start with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is reported separately.
    private static string Describe(YamlException ex)
    {
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        var text = marker >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(marker + 3)..] : message;
        return text.TrimEnd('.', ' ');
    }
}

internal sealed record ParsedYaml(JsonNode? Root, IReadOnlyDictionary<string, int> Lines)
{
    /// <summary>The line of a path, or of its nearest parent that has one.</summary>
    public int? LineOf(string path)
    {
        var current = path;
        while (true)
        {
            if (Lines.TryGetValue(current, out var line))
            {
                return line;
            }

            if (current.Length == 0)
            {
                return null;
            }

            current = ConfigPath.Parent(current);
        }
    }
}
