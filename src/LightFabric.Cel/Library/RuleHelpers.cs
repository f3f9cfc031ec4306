using LightFabric.Cel.Checking;
using LightFabric.Cel.Runtime;
using static LightFabric.Cel.Library.StandardLibrary;

namespace LightFabric.Cel.Library;

/// <summary>
/// The rule-engine parity helpers: <c>contains_ignore_case</c> (also <c>s.containsIgnoreCase(sub)</c>),
/// <c>in_list</c>, <c>contains_any</c> and <c>contains_all</c>.
/// </summary>
internal static class RuleHelpers
{
    public static void Register(FunctionRegistry r)
    {
        r.Binary("contains_ignore_case", "contains_ignore_case_string_string", false, Str, Str, Bool, ContainsIgnoreCase);
        r.Binary("containsIgnoreCase", "string_contains_ignore_case_string", true, Str, Str, Bool, ContainsIgnoreCase);
        r.Binary("in_list", "in_list_dyn_list", false, Dyn, CelType.ListOfDyn, Bool, (v, l) => CelBool.Of(CollectionsExtension.Contains((CelList)l, v)));

        // contains_any / contains_all: on a string, the needles are substrings; on a list, they are elements.
        r.Binary("contains_any", "contains_any_string_list", false, Str, CelType.ListOfDyn, Bool, (s, l) => Substrings((CelString)s, (CelList)l, any: true));
        r.Binary("contains_any", "contains_any_list_list", false, CelType.ListOfDyn, CelType.ListOfDyn, Bool, (h, n) => Elements((CelList)h, (CelList)n, any: true));
        r.Binary("contains_all", "contains_all_string_list", false, Str, CelType.ListOfDyn, Bool, (s, l) => Substrings((CelString)s, (CelList)l, any: false));
        r.Binary("contains_all", "contains_all_list_list", false, CelType.ListOfDyn, CelType.ListOfDyn, Bool, (h, n) => Elements((CelList)h, (CelList)n, any: false));
    }

    private static CelValue ContainsIgnoreCase(CelValue s, CelValue sub) =>
        CelBool.Of(((CelString)s).Value.Contains(((CelString)sub).Value, StringComparison.OrdinalIgnoreCase));

    private static CelValue Substrings(CelString s, CelList needles, bool any)
    {
        for (var i = 0; i < needles.Count; i++)
        {
            if (needles[i] is not CelString n)
            {
                return CelError.NoSuchOverload(any ? "contains_any" : "contains_all", s, needles[i]);
            }

            var found = s.Value.Contains(n.Value, StringComparison.Ordinal);
            if (found == any)
            {
                return CelBool.Of(any);
            }
        }

        return CelBool.Of(!any);
    }

    private static CelValue Elements(CelList haystack, CelList needles, bool any)
    {
        for (var i = 0; i < needles.Count; i++)
        {
            var found = CollectionsExtension.Contains(haystack, needles[i]);
            if (found == any)
            {
                return CelBool.Of(any);
            }
        }

        return CelBool.Of(!any);
    }
}
