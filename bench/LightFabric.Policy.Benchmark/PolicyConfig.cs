namespace LightFabric.Policy.Benchmark;

/// <summary>
/// The configurations compared: the same gateway and upstream, once with chain <c>[mcp]</c> only and once with
/// <c>[security, mcp]</c>, access control on and the rules below for the upstream's <c>accounts</c> tool.
/// </summary>
internal static class PolicyConfig
{
    /// <summary>The policy endpoint of the upstream server <c>fast</c>'s tool <c>accounts</c>.</summary>
    public const string Endpoint = "/mcp/fast/accounts@call";

    public const string Role = "analyst";

    /// <summary>Rows of <see cref="Mcp.Benchmark.FastUpstream.AccountsJson"/> the row filter lets an analyst see (owner alice).</summary>
    public const int VisibleRows = 3;

    public const int AllRows = 5;

    /// <summary>
    /// Two req-acc rules, both evaluated (<c>accessRuleLogic: all</c>): a CEL condition on the tenant claim, and the
    /// seed's role check (native condition + RoleBasedAccessControlAction). One res-fil rule: a row filter keeping an
    /// analyst's rows of owner alice.
    /// </summary>
    public const string RuleYaml = """
        ruleBodies:
          tenant-is-bench:
            ruleId: tenant-is-bench
            ruleType: req-acc
            conditionLanguage: cel
            expression: auditInfo.subject_claims.ClaimsMap.tenant == "bench"
          allow-role-based-access-control.lightapi.net:
            ruleId: allow-role-based-access-control.lightapi.net
            ruleType: req-acc
            conditions:
              - operatorCode: isNotNull
                propertyPath: auditInfo.subject_claims.ClaimsMap.role
            actions:
              - actionClassName: com.networknt.rule.RoleBasedAccessControlAction
          response-row-filter.lightapi.net:
            ruleId: response-row-filter.lightapi.net
            ruleType: res-fil
            conditions:
              - operatorCode: isNotNull
                propertyPath: row
            actions:
              - actionClassName: com.networknt.rule.ResponseRowFilterAction
        endpointRules:
          /mcp/fast/accounts@call:
            req-acc:
              - tenant-is-bench
              - allow-role-based-access-control.lightapi.net
            res-fil:
              - response-row-filter.lightapi.net
            permission:
              roles: analyst auditor
              row:
                role:
                  analyst:
                    - colName: owner
                      operator: "="
                      colValue: alice
        """;

    /// <summary>Gateway A: no policy at all.</summary>
    public static Dictionary<string, string> Plain(string upstreamUrl) => new()
    {
        ["values.yml"] = Common(upstreamUrl, "[mcp]"),
    };

    /// <summary>
    /// Gateway B (C with <paramref name="tokenCache"/> false; D with <paramref name="accessControl"/> false): JWT
    /// security against the bench's JWKS and, unless D, access control with <see cref="RuleYaml"/>. B keeps
    /// security.yml's default verified-token cache; C verifies the signature on every call (with the JWKS key cached).
    /// </summary>
    public static Dictionary<string, string> Secured(string upstreamUrl, string keyServerUrl, bool tokenCache, bool accessControl = true)
    {
        var values = Common(upstreamUrl, "[security, mcp]") + $"""

            security.issuer: {TokenIssuer.Issuer}
            security.audience: [{TokenIssuer.Audience}]
            security.enableJwtCache: {(tokenCache ? "true" : "false")}
            security.bootstrapFromKeyService: true
            client.tokenKeyServerUrl: {keyServerUrl}
            """;
        if (!accessControl)
        {
            return new() { ["values.yml"] = values };
        }

        return new()
        {
            ["values.yml"] = values + """

                access-control.enabled: true
                access-control.accessRuleLogic: all
                access-control.defaultDeny: true
                access-control.defaultInclude: false
                """,
            ["rule.yml"] = RuleYaml,
        };
    }

    /// <summary>The budget's subject of the benchmark's caller (its token's client_id); limit <see cref="UnlimitedCredits"/>.</summary>
    public const string Subject = "bench-client";

    /// <summary>A second subject with a limit of 1: its second call must be refused, or the budget does not enforce.</summary>
    public const string LimitedSubject = "bench-limited";

    /// <summary>The default limit of the governed targets: far more credits than any run spends (cost 1 per call).</summary>
    public const long UnlimitedCredits = 1_000_000_000;

    /// <summary>
    /// Gateways E, F, G: B's security and rules, then <c>[security, budget, audit, mcp]</c>: the budget on
    /// <paramref name="ledger"/> (sqlite or redis), charged 1 per call with receipts, and the audit trail in
    /// <paramref name="dataDirectory"/> (JSONL files and SQLite) with <paramref name="durability"/> (batched or strict).
    /// </summary>
    public static Dictionary<string, string> Governed(string upstreamUrl, string keyServerUrl, string dataDirectory, string ledger, string? redisUrl,
        string durability)
    {
        var files = Secured(upstreamUrl, keyServerUrl, tokenCache: true);
        var secured = files["values.yml"].Replace("[security, mcp]", "[security, budget, audit, mcp]", StringComparison.Ordinal);
        files["values.yml"] = secured + $$"""

            budget.ledger: {{ledger}}
            budget.sqlitePath: "{{Path.Combine(dataDirectory, "budget.db")}}"
            budget.redisUrl: "{{redisUrl ?? ""}}"
            budget.defaultLimit: {{UnlimitedCredits}}
            budget.limits: [{subject: {{LimitedSubject}}, limit: 1}]
            budget.tools.costs: {accounts: 1}
            budget.mode: control
            audit.directory: "{{AuditDirectory(dataDirectory)}}"
            audit.sqlitePath: "{{AuditDatabase(dataDirectory)}}"
            audit.durability: {{durability}}
            """;
        return files;
    }

    public static string AuditDirectory(string dataDirectory) => Path.Combine(dataDirectory, "audit");

    public static string AuditDatabase(string dataDirectory) => Path.Combine(dataDirectory, "audit.db");

    private static string Common(string upstreamUrl, string chain) => $$"""
        server.ip: 127.0.0.1
        server.httpPort: 0
        server.serviceId: com.networknt.light-gateway-1.0.0
        server.environment: bench

        handler.handlers: {{chain}}
        handler.paths:
          - {path: /mcp, method: POST, exec: {{chain}}}
          - {path: /mcp, method: GET, exec: {{chain}}}
          - {path: /mcp, method: DELETE, exec: {{chain}}}

        mcp-router.servers:
          - name: fast
            transport: http
            url: "{{upstreamUrl}}"
        mcp-router.prefixMode: never
        """;
}
