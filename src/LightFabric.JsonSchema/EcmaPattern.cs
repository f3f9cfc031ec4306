using System.Text.RegularExpressions;

namespace LightFabric.JsonSchema;

/// <summary>
/// JSON Schema patterns are ECMA-262 regular expressions; .NET reads nearly all of them the same way. This rewrites
/// what it does not: Unicode property escapes by their long general-category names (<c>\p{Letter}</c>,
/// <c>\p{General_Category=Decimal_Number}</c>, <c>\p{gc=Lu}</c>), which .NET knows only by the short name.
/// </summary>
internal static partial class EcmaPattern
{
    private static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["Letter"] = "L",
        ["Uppercase_Letter"] = "Lu",
        ["Lowercase_Letter"] = "Ll",
        ["Titlecase_Letter"] = "Lt",
        ["Modifier_Letter"] = "Lm",
        ["Other_Letter"] = "Lo",
        ["Mark"] = "M",
        ["Combining_Mark"] = "M",
        ["Nonspacing_Mark"] = "Mn",
        ["Spacing_Mark"] = "Mc",
        ["Enclosing_Mark"] = "Me",
        ["Number"] = "N",
        ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd",
        ["Letter_Number"] = "Nl",
        ["Other_Number"] = "No",
        ["Punctuation"] = "P",
        ["punct"] = "P",
        ["Connector_Punctuation"] = "Pc",
        ["Dash_Punctuation"] = "Pd",
        ["Open_Punctuation"] = "Ps",
        ["Close_Punctuation"] = "Pe",
        ["Initial_Punctuation"] = "Pi",
        ["Final_Punctuation"] = "Pf",
        ["Other_Punctuation"] = "Po",
        ["Symbol"] = "S",
        ["Math_Symbol"] = "Sm",
        ["Currency_Symbol"] = "Sc",
        ["Modifier_Symbol"] = "Sk",
        ["Other_Symbol"] = "So",
        ["Separator"] = "Z",
        ["Space_Separator"] = "Zs",
        ["Line_Separator"] = "Zl",
        ["Paragraph_Separator"] = "Zp",
        ["Other"] = "C",
        ["Control"] = "Cc",
        ["cntrl"] = "Cc",
        ["Format"] = "Cf",
        ["Surrogate"] = "Cs",
        ["Private_Use"] = "Co",
        ["Unassigned"] = "Cn",
    };

    public static string ToDotNet(string pattern) =>
        !pattern.Contains("\\p{", StringComparison.Ordinal) && !pattern.Contains("\\P{", StringComparison.Ordinal)
            ? pattern
            : PropertyEscape().Replace(pattern, match =>
            {
                if (match.Groups["escaped"].Length % 2 == 1)
                {
                    // "\\p{...}": the backslash is itself escaped, so this is no property escape.
                    return match.Value;
                }

                var name = match.Groups["name"].Value;
                var category = Categories.GetValueOrDefault(name, name);
                return $"{match.Groups["escaped"].Value}\\{match.Groups["p"].Value}{{{category}}}";
            });

    [GeneratedRegex(@"(?<escaped>\\*)\\(?<p>[pP])\{(?:(?:General_Category|gc)=)?(?<name>[A-Za-z_]+)\}")]
    private static partial Regex PropertyEscape();
}
