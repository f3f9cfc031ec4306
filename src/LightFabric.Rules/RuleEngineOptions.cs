using LightFabric.Cel.Profiles;

namespace LightFabric.Rules;

/// <summary>Runtime policy for loading and evaluating rules. The engine, not the rule, owns these limits.</summary>
public sealed record RuleEngineOptions
{
    /// <summary>
    /// The strict profile of rule conditions: the CEL library's strict profile with the rule-context roots
    /// (<c>toolName</c>, <c>correlationId</c>, <c>row</c>, <c>col</c> added).
    /// </summary>
    public static readonly CelProfile RuleStrict = CelProfile.Strict with
    {
        AllowedRootVariables = new HashSet<string>(StringComparer.Ordinal)
        {
            "auditInfo", "headers", "toolArguments", "endpoint", "toolName", "correlationId", "permission",
            "roles", "row", "col", "statusCode", "responseBody",
        },
    };

    /// <summary>The default options (declared after <see cref="RuleStrict"/>, which it uses).</summary>
    public static readonly RuleEngineOptions Default = new();

    /// <summary>The profile of CEL rules that do not request one.</summary>
    public CelProfile DefaultCelProfile { get; init; } = RuleStrict;

    /// <summary>The weakest profile a rule may request. A request above it is a load error.</summary>
    public CelProfile MaximumCelProfile { get; init; } = CelProfile.Standard;

    /// <summary>Extra claim names per dimension (<c>role</c>, <c>group</c>, <c>position</c>, <c>attribute</c>, <c>user</c> or a custom one), e.g. <c>role: [custom_roles]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimMappings { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Whether unknown rule, condition and action fields are errors (otherwise warnings).</summary>
    public bool RejectUnknownFields { get; init; }

    /// <summary>Maps a profile name to the profile rules run under (<c>strict</c> maps to <see cref="RuleStrict"/>).</summary>
    public CelProfile? ProfileNamed(string? name)
    {
        var p = CelProfile.FromName(name);
        return p is not null && p.Rank == RuleStrict.Rank ? RuleStrict : p;
    }
}
