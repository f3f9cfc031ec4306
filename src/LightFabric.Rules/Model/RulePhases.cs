namespace LightFabric.Rules.Model;

/// <summary>The endpoint phase names of rule.yml (<c>endpointRules.&lt;endpoint&gt;.&lt;phase&gt;</c>) and the rule types.</summary>
public static class RulePhases
{
    /// <summary>Request access control (the name the examples use).</summary>
    public const string RequestAccess = "req-acc";

    /// <summary>Response filter: row and column filters.</summary>
    public const string ResponseFilter = "res-fil";

    /// <summary>Request transformation: runs in order, each rule sees the previous one's changes.</summary>
    public const string RequestTransform = "req-tra";

    /// <summary>Response transformation: runs in order.</summary>
    public const string ResponseTransform = "res-tra";

    /// <summary>Access control as named by the design document; evaluated together with <see cref="RequestAccess"/>.</summary>
    public const string AccessControl = "access-control";

    /// <summary>Not a rule list: values injected into the rule context.</summary>
    public const string Permission = "permission";

    /// <summary>Not a rule list: tools/list visibility values for the gateway.</summary>
    public const string Visibility = "visibility";

    private static readonly HashSet<string> RuleListPhases = new(StringComparer.Ordinal)
    {
        RequestAccess, ResponseFilter, RequestTransform, ResponseTransform, AccessControl,
    };

    /// <summary>Whether <paramref name="phase"/> names a list of rule ids (a standard phase or an <c>x-*</c> extension).</summary>
    public static bool IsRulePhase(string phase) => RuleListPhases.Contains(phase) || IsExtension(phase);

    /// <summary>Whether <paramref name="phase"/> is an <c>x-*</c> custom phase.</summary>
    public static bool IsExtension(string phase) => phase.Length > 2 && phase.StartsWith("x-", StringComparison.Ordinal);

    /// <summary>Whether the phase sees a response (response phases run CEL under the strict profile).</summary>
    public static bool IsResponsePhase(string? phase) => phase is ResponseFilter or ResponseTransform;

    /// <summary>The standard phase names, for error messages.</summary>
    public static string KnownNames => "req-acc, res-fil, req-tra, res-tra, access-control, permission, visibility or x-*";
}
