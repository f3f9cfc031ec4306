using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.Config;

/// <summary>
/// Writes block-style YAML that <see cref="ConfigYaml.Parse"/> reads back to the same tree:
/// strings are quoted whenever plain text would be typed differently or need escaping.
/// </summary>
internal static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuotedString = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^[A-Za-z0-9_/.$][A-Za-z0-9_/.@+$-]*$")]
    private static partial Regex PlainSafe();

    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                WriteMap(builder, obj, 0);
                break;
            case JsonArray { Count: > 0 } array:
                WriteList(builder, array, 0);
                break;
            default:
                builder.Append(Inline(node)).Append('\n');
                break;
        }

        return builder.ToString();
    }

    private static void WriteMap(StringBuilder builder, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            builder.Append(' ', indent).Append(Text(key)).Append(':');
            WriteValueAfterKey(builder, value, indent);
        }
    }

    private static void WriteList(StringBuilder builder, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            builder.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject { Count: > 0 } obj:
                {
                    // First entry on the dash line, the rest aligned under it.
                    var first = true;
                    foreach (var (key, value) in obj)
                    {
                        if (first)
                        {
                            builder.Append(' ');
                        }
                        else
                        {
                            builder.Append(' ', indent + 2);
                        }

                        first = false;
                        builder.Append(Text(key)).Append(':');
                        WriteValueAfterKey(builder, value, indent + 2);
                    }

                    break;
                }
                case JsonArray { Count: > 0 } nested:
                    builder.Append('\n');
                    WriteList(builder, nested, indent + 2);
                    break;
                default:
                    builder.Append(' ').Append(Inline(item)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteValueAfterKey(StringBuilder builder, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } obj:
                builder.Append('\n');
                WriteMap(builder, obj, indent + 2);
                break;
            case JsonArray { Count: > 0 } array:
                builder.Append('\n');
                WriteList(builder, array, indent + 2);
                break;
            default:
                builder.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => Text(value.GetValue<string>()),
        JsonValue value => value.ToJsonString(),
        _ => "null",
    };

    private static string Text(string text)
    {
        var plain = PlainSafe().IsMatch(text) && YamlScalars.TypePlain(text) is JsonValue typed
                    && typed.GetValueKind() == JsonValueKind.String;
        return plain ? text : JsonSerializer.Serialize(text, QuotedString);
    }
}
