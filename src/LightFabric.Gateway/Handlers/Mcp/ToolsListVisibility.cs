using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LightFabric.Gateway.Handlers.AccessControl;
using LightFabric.Rules;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Model;

namespace LightFabric.Gateway.Handlers.Mcp;

/// <summary>Why a tool is or is not listed.</summary>
public enum ToolVisibilityBasis
{
    /// <summary><c>toolsListAccessControl.mode: none</c>.</summary>
    ModeNone,

    /// <summary>The tool name or endpoint starts with a <c>skipPathPrefixes</c> entry.</summary>
    Skipped,

    /// <summary>No <c>endpointRules</c> entry matches: <c>defaultDeny</c> decides.</summary>
    NoEndpointRule,

    /// <summary>The entry has no <c>req-acc</c> (or <c>access-control</c>) rules: <c>defaultDeny</c> decides.</summary>
    NoAccessRules,

    /// <summary>Permission mode: the claims against the entry's <c>visibility</c> block.</summary>
    VisibilityBlock,

    /// <summary>Permission mode: the claims against the entry's <c>permission</c> block.</summary>
    PermissionBlock,

    /// <summary>Nothing checkable (no dimension listed): <c>unknownRuleFallback</c> decides.</summary>
    Unknown,

    /// <summary>Cel mode: the <c>req-acc</c> rules with empty arguments.</summary>
    Rules,

    /// <summary>Cel mode: past <c>maxCelEvaluations</c> in this listing: <c>unknownRuleFallback</c> decides.</summary>
    EvaluationLimit,
}

/// <summary>One tool's tools/list answer and its basis.</summary>
public readonly record struct ToolVisibilityDecision(bool Visible, ToolVisibilityBasis Basis);

/// <summary>
/// access-control.yml <c>toolsListAccessControl</c> over one rule set: which tools a caller sees listed.
/// <c>permission</c> mode compares claims with an endpoint's <c>visibility</c> (else <c>permission</c>) dimensions and
/// runs no rule; <c>cel</c> mode runs the <c>req-acc</c> rules with empty arguments, at most
/// <c>maxCelEvaluations</c> tools per listing. Decisions are cached per caller fingerprint and tool in a bounded LRU
/// owned by this instance, which lives as long as its config generation. Listing never authorizes a call.
/// </summary>
public sealed class ToolsListVisibility
{
    // The claims each dimension is read from (the reference gateway's table); claimMappings add more names.
    private static readonly (string Dimension, string[] Claims)[] StandardClaims =
    [
        ("role", ["role", "roles"]),
        ("group", ["scp", "grp", "group", "groups"]),
        ("position", ["pos", "position", "positions"]),
        ("attribute", ["att", "attribute", "attributes"]),
        ("user", ["uid", "user_id", "sub"]),
    ];

    // The keys of a visibility or permission block that name a dimension (plural as in the reference, singular too).
    private static readonly Dictionary<string, string> BlockKeys = new(StringComparer.Ordinal)
    {
        ["roles"] = "role",
        ["role"] = "role",
        ["groups"] = "group",
        ["group"] = "group",
        ["positions"] = "position",
        ["position"] = "position",
        ["attributes"] = "attribute",
        ["attribute"] = "attribute",
        ["users"] = "user",
        ["user"] = "user",
    };

    private readonly AccessControlSettings _settings;
    private readonly ToolsListVisibilitySettings _list;
    private readonly RuleSet _rules;
    private readonly Dictionary<string, string[]> _claimNames;
    private readonly HashSet<string> _permissionClaims;
    private readonly ToolVisibilityCache _cache;
    private long _computed;

    public ToolsListVisibility(AccessControlSettings settings, RuleSet rules)
    {
        _settings = settings;
        _list = settings.ToolsList;
        _rules = rules;
        _claimNames = StandardClaims.ToDictionary(
            d => d.Dimension,
            d => d.Claims.Concat(Mapped(settings.ClaimMappings, d.Dimension)).Concat(Mapped(_list.ClaimMappings, d.Dimension)).Distinct(StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        _permissionClaims = _claimNames.Values.SelectMany(n => n).ToHashSet(StringComparer.Ordinal);
        _cache = new ToolVisibilityCache(_list.MaxCacheEntries);
    }

    public ToolsListVisibilitySettings Settings => _list;

    public ToolsListVisibilityMode Mode => _list.Mode;

    /// <summary>Decisions computed rather than served from the cache (permission checks and rule runs), since start.</summary>
    public long DecisionsComputed => Interlocked.Read(ref _computed);

    /// <summary>Decisions held in the cache now (at most <c>maxCacheEntries</c>).</summary>
    public int CachedDecisions => _cache.Count;

    /// <summary>
    /// The decisions of one listing, in order. <paramref name="claims"/> are the caller's (the rule context's
    /// <c>ClaimsMap</c>); each tool is (name, endpoint).
    /// </summary>
    public ToolVisibilityDecision[] Decide(JsonObject claims, IReadOnlyList<(string ToolName, string Endpoint)> tools)
    {
        var decisions = new ToolVisibilityDecision[tools.Count];
        if (_list.Mode == ToolsListVisibilityMode.None)
        {
            Array.Fill(decisions, new ToolVisibilityDecision(true, ToolVisibilityBasis.ModeNone));
            return decisions;
        }

        string? fingerprint = null;
        JsonObject? context = null;
        var ruleTools = 0;
        for (var i = 0; i < tools.Count; i++)
        {
            var (name, endpoint) = tools[i];
            if (_settings.SkipsTool(name, endpoint))
            {
                decisions[i] = new(true, ToolVisibilityBasis.Skipped);
                continue;
            }

            var match = _rules.FindEndpoint(endpoint);
            if (match is null)
            {
                decisions[i] = new(!_settings.DefaultDeny, ToolVisibilityBasis.NoEndpointRule);
                continue;
            }

            if (_list.Mode == ToolsListVisibilityMode.Permission)
            {
                fingerprint ??= Fingerprint(claims, _permissionClaims);
                decisions[i] = Cached(new ToolVisibilityKey(fingerprint, name, endpoint), () => Permission(claims, match.Rules));
                continue;
            }

            if (!HasAccessRules(match.Rules))
            {
                decisions[i] = new(!_settings.DefaultDeny, ToolVisibilityBasis.NoAccessRules);
                continue;
            }

            // The limit counts tools by position, cached or not, so a tool's answer does not depend on what earlier
            // listings cached and cursor pages of one list agree.
            if (ruleTools++ >= _list.MaxCelEvaluations)
            {
                decisions[i] = new(_list.UnknownRuleVisible, ToolVisibilityBasis.EvaluationLimit);
                continue;
            }

            fingerprint ??= Fingerprint(claims, null);
            decisions[i] = Cached(new ToolVisibilityKey(fingerprint, name, endpoint), () =>
            {
                context ??= new RuleContextBuilder().WithClaims(claims).WithTool(name, new JsonObject()).Build();
                context["endpoint"] = endpoint;
                context["toolName"] = name;
                var decision = RuleEngine.Authorize(_rules, endpoint, context, _settings.Logic, _settings.DefaultDeny);
                return new(decision.Allowed, ToolVisibilityBasis.Rules);
            });
        }

        return decisions;
    }

    /// <summary>
    /// The permission-mode decision for an endpoint entry (no rule runs): its <c>visibility</c> block when it has one,
    /// else — when it has access rules — its <c>permission</c> block; a block decides through the dimensions it lists.
    /// </summary>
    public ToolVisibilityDecision Permission(JsonObject claims, EndpointRules entry)
    {
        if (entry.Visibility is { } visibility)
        {
            return Matches(claims, visibility) is { } visible
                ? new(visible, ToolVisibilityBasis.VisibilityBlock)
                : new(_list.UnknownRuleVisible, ToolVisibilityBasis.Unknown);
        }

        if (!HasAccessRules(entry))
        {
            return new(!_settings.DefaultDeny, ToolVisibilityBasis.NoAccessRules);
        }

        return entry.Permission is not null && Matches(claims, entry.Permission) is { } allowed
            ? new(allowed, ToolVisibilityBasis.PermissionBlock)
            : new(_list.UnknownRuleVisible, ToolVisibilityBasis.Unknown);
    }

    /// <summary>
    /// Null when the block lists no dimension; else whether every listed dimension shares a value with the caller's
    /// claims for it (an empty list shares nothing).
    /// </summary>
    private bool? Matches(JsonObject claims, JsonObject block)
    {
        var wanted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in block)
        {
            if (BlockKeys.TryGetValue(key, out var dimension))
            {
                var values = wanted.TryGetValue(dimension, out var existing) ? existing : wanted[dimension] = new HashSet<string>(StringComparer.Ordinal);
                values.UnionWith(PermissionValues.Split(value));
            }
        }

        if (wanted.Count == 0)
        {
            return null;
        }

        foreach (var (dimension, values) in wanted)
        {
            if (!_claimNames[dimension].Any(name => claims.TryGetPropertyValue(name, out var claim) && PermissionValues.Split(claim).Any(values.Contains)))
            {
                return false;
            }
        }

        return true;
    }

    private ToolVisibilityDecision Cached(ToolVisibilityKey key, Func<ToolVisibilityDecision> decide)
    {
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        var decision = decide();
        Interlocked.Increment(ref _computed);
        _cache.Set(key, decision);
        return decision;
    }

    private static bool HasAccessRules(EndpointRules entry) =>
        entry.RulesFor(RulePhases.RequestAccess).Count > 0 || entry.RulesFor(RulePhases.AccessControl).Count > 0;

    private static IEnumerable<string> Mapped(IReadOnlyDictionary<string, IReadOnlyList<string>> mappings, string dimension) =>
        mappings.Where(m => ClaimDimensions.CanonicalDimension(m.Key) == dimension).SelectMany(m => m.Value);

    /// <summary>
    /// SHA-256 over the canonical JSON (object keys sorted) of the caller's claims — only <paramref name="only"/> when
    /// given, since permission mode reads nothing else — so the cache holds no token and callers with equal claims
    /// share entries.
    /// </summary>
    internal static string Fingerprint(JsonObject claims, IReadOnlySet<string>? only)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in claims.Where(c => only is null || only.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                WriteCanonical(writer, value);
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexString(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (name, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
