using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LightFabric.Config;

/// <summary>
/// YAML 1.2 core-schema typing of plain (unquoted) scalar text.
/// Deliberate narrowing: decimal integers with a leading zero ("0123") and .inf/.nan stay strings,
/// because configuration uses such text for codes and ids, and JSON cannot carry infinities.
/// </summary>
internal static partial class YamlScalars
{
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctalInteger();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")]
    private static partial Regex HexInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    // Numbers JSON can hold verbatim; keeping the original text lets "1.0" bind to a string as "1.0".
    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    public static bool IsNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Types plain scalar text; an empty text is null here, callers decide otherwise where needed.</summary>
    public static JsonNode? TypePlain(string text)
    {
        if (IsNull(text))
        {
            return null;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }

        if (DecimalInteger().IsMatch(text))
        {
            var digits = text.TrimStart('-', '+');
            if (digits.Length > 1 && digits[0] == '0')
            {
                return JsonValue.Create(text);
            }

            if (JsonNumber().IsMatch(text))
            {
                return JsonNode.Parse(text);
            }

            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : JsonValue.Create(text);
        }

        if (OctalInteger().IsMatch(text))
        {
            try { return JsonValue.Create(Convert.ToInt64(text[2..], 8)); }
            catch (OverflowException) { return JsonValue.Create(text); }
        }

        if (HexInteger().IsMatch(text))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)
                ? JsonValue.Create(h)
                : JsonValue.Create(text);
        }

        if (Float().IsMatch(text))
        {
            if (JsonNumber().IsMatch(text))
            {
                return JsonNode.Parse(text);
            }

            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? JsonValue.Create(d)
                : JsonValue.Create(text);
        }

        return JsonValue.Create(text);
    }

    /// <summary>
    /// Types text from an environment variable or a placeholder default: bool, number, null or string;
    /// text starting with '[' or '{' is parsed as YAML flow (how config-server injects lists and maps).
    /// An empty text is the empty string.
    /// </summary>
    public static JsonNode? TypeInjected(string text)
    {
        if (text.Length == 0)
        {
            return JsonValue.Create("");
        }

        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            // A value that merely starts with a brace (a password, say) and is not valid YAML stays text.
            return ConfigYaml.TryParseFlow(text, out var parsed) ? parsed : JsonValue.Create(text);
        }

        return TypePlain(text);
    }
}
