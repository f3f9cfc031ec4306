using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LightFabric.Rules.Tests;

/// <summary>Reads YAML into the JsonObject the gateway hands to the rule loader (plain scalars typed as YAML 1.2 core).</summary>
internal static class YamlConfig
{
    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? [] : (JsonObject)Convert(stream.Documents[0].RootNode)!;
    }

    public static JsonObject File(string name) =>
        Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", name)));

    public static RuleSet Load(string yaml, RuleEngineOptions? options = null) =>
        Loading.RuleSetLoader.LoadOrThrow(Parse(yaml), options: options);

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode m:
                var o = new JsonObject();
                foreach (var (k, v) in m.Children)
                {
                    o[((YamlScalarNode)k).Value!] = Convert(v);
                }

                return o;
            case YamlSequenceNode s:
                var a = new JsonArray();
                foreach (var item in s.Children)
                {
                    a.Add(Convert(item));
                }

                return a;
            case YamlScalarNode sc:
                var text = sc.Value ?? "";
                if (sc.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Folded or ScalarStyle.Literal)
                {
                    return JsonValue.Create(text);
                }

                if (text is "" or "~" or "null")
                {
                    return null;
                }

                if (text is "true" or "false")
                {
                    return JsonValue.Create(text == "true");
                }

                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return JsonValue.Create(l);
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && text.Any(char.IsDigit))
                {
                    return JsonValue.Create(d);
                }

                return JsonValue.Create(text);
            default:
                return null;
        }
    }
}
