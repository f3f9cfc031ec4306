namespace LightFabric.Cel.Profiles;

/// <summary>
/// A security profile: which functions and root variables an expression may use and the limits it runs under.
/// The built-in profiles are <see cref="Strict"/>, <see cref="Standard"/> and <see cref="InternalAdmin"/>, from the
/// most to the least restrictive.
/// </summary>
public sealed record CelProfile
{
    /// <summary>Pure helpers and conversions approved for untrusted (tenant, imported, marketplace) rules.</summary>
    public static readonly IReadOnlySet<string> StrictFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "size", "contains", "startsWith", "endsWith", "lowerAscii", "upperAscii",
        "contains_ignore_case", "containsIgnoreCase", "in_list", "contains_any", "contains_all",
        "int", "uint", "double", "string", "bool",
    };

    /// <summary>The curated roots visible to strict rules (no whole-context root).</summary>
    public static readonly IReadOnlySet<string> StrictRoots = new HashSet<string>(StringComparer.Ordinal)
    {
        "auditInfo", "headers", "toolArguments", "endpoint", "permission", "roles", "statusCode", "responseBody",
    };

    public static readonly CelProfile Strict = new()
    {
        Name = "strict",
        Rank = 0,
        AllowedFunctions = StrictFunctions,
        AllowedRootVariables = StrictRoots,
        ExposeContextRoot = false,
        ExposeTopLevelAliases = true,
        MaxExpressionBytes = 4096,
        MaxAstNodes = 512,
        MaxDepth = 32,
        MaxContextBytes = 256 * 1024,
        MaxStringBytes = 64 * 1024,
        MaxCollectionItems = 1000,
        MaxSteps = 10_000,
        AllowRegex = false,
        AllowTimeParsing = false,
        AllowComprehensions = true,
        MaxComprehensionNesting = 1,
    };

    public static readonly CelProfile Standard = new()
    {
        Name = "standard",
        Rank = 1,
        AllowedFunctions = null,
        AllowedRootVariables = null,
        ExposeContextRoot = true,
        ExposeTopLevelAliases = true,
        MaxExpressionBytes = 16 * 1024,
        MaxAstNodes = 4096,
        MaxDepth = 100,
        MaxContextBytes = 1024 * 1024,
        MaxStringBytes = 1024 * 1024,
        MaxCollectionItems = 10_000,
        MaxSteps = 100_000,
        AllowRegex = true,
        AllowTimeParsing = true,
        AllowComprehensions = true,
        MaxComprehensionNesting = 2,
    };

    public static readonly CelProfile InternalAdmin = new()
    {
        Name = "internal-admin",
        Rank = 2,
        AllowedFunctions = null,
        AllowedRootVariables = null,
        ExposeContextRoot = true,
        ExposeTopLevelAliases = true,
        MaxExpressionBytes = 100 * 1024,
        MaxAstNodes = 100_000,
        MaxDepth = 250,
        MaxContextBytes = 16 * 1024 * 1024,
        MaxStringBytes = 10 * 1024 * 1024,
        MaxCollectionItems = 100_000,
        MaxSteps = 10_000_000,
        AllowRegex = true,
        AllowTimeParsing = true,
        AllowComprehensions = true,
        MaxComprehensionNesting = 8,
    };

    public required string Name { get; init; }

    /// <summary>Position in the strictness order: lower is stricter.</summary>
    public int Rank { get; init; }

    /// <summary>Functions (by name, including namespaced ones like <c>math.greatest</c>) an expression may call; null allows all. Operators are always allowed.</summary>
    public IReadOnlySet<string>? AllowedFunctions { get; init; }

    /// <summary>Root variables an expression may reference; null allows any.</summary>
    public IReadOnlySet<string>? AllowedRootVariables { get; init; }

    /// <summary>Whether the whole input is bound as <c>context</c>.</summary>
    public bool ExposeContextRoot { get; init; }

    /// <summary>Whether top-level input members are bound as variables of their own.</summary>
    public bool ExposeTopLevelAliases { get; init; } = true;

    public int MaxExpressionBytes { get; init; }

    public int MaxAstNodes { get; init; }

    /// <summary>Maximum nesting depth of the expression tree.</summary>
    public int MaxDepth { get; init; }

    public int MaxContextBytes { get; init; }

    public int MaxStringBytes { get; init; }

    public int MaxCollectionItems { get; init; }

    /// <summary>Evaluation cost budget in steps.</summary>
    public long MaxSteps { get; init; }

    public bool AllowRegex { get; init; }

    /// <summary>Whether <c>timestamp(...)</c> and <c>duration(...)</c> may be used.</summary>
    public bool AllowTimeParsing { get; init; }

    public bool AllowComprehensions { get; init; }

    public int MaxComprehensionNesting { get; init; }

    /// <summary>The built-in profile with this name (<c>strict</c>, <c>standard</c>, <c>internal-admin</c>), or null.</summary>
    public static CelProfile? FromName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "strict" => Strict,
        "standard" => Standard,
        "internal-admin" or "internal_admin" or "internaladmin" => InternalAdmin,
        _ => null,
    };

    /// <summary>
    /// The profile a rule runs under: the requested one, or the runtime maximum when the request is weaker.
    /// With <paramref name="rejectAboveMaximum"/> a request above the maximum is an error instead.
    /// </summary>
    public static CelProfile Effective(CelProfile? requested, CelProfile maximum, bool rejectAboveMaximum = false)
    {
        if (requested is null)
        {
            return maximum;
        }

        if (requested.Rank > maximum.Rank)
        {
            if (rejectAboveMaximum)
            {
                throw new ArgumentException(
                    $"the requested CEL profile '{requested.Name}' is weaker than the allowed maximum '{maximum.Name}'",
                    nameof(requested));
            }

            return maximum;
        }

        return requested;
    }

    /// <summary>Whether <paramref name="function"/> may be called under this profile.</summary>
    public bool AllowsFunction(string function)
    {
        if (!AllowRegex && function == "matches")
        {
            return false;
        }

        if (!AllowTimeParsing && function is "timestamp" or "duration")
        {
            return false;
        }

        return AllowedFunctions is null || AllowedFunctions.Contains(function);
    }

    public bool AllowsRoot(string name) => AllowedRootVariables is null || AllowedRootVariables.Contains(name) ||
        (ExposeContextRoot && name == "context");
}
