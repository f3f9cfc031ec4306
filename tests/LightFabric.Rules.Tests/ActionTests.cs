using System.Text.Json.Nodes;
using LightFabric.Rules.Actions;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;

namespace LightFabric.Rules.Tests;

public class ActionTests
{
    [Theory]
    [InlineData("RoleBasedAccessControlAction")]
    [InlineData("com.networknt.rule.RoleBasedAccessControlAction")]
    [InlineData("ResponseRowFilterAction")]
    [InlineData("com.networknt.rule.ResponseRowFilterAction")]
    [InlineData("ResponseColumnFilterAction")]
    [InlineData("com.networknt.rule.ResponseColumnFilterAction")]
    [InlineData("ResponseCelRowFilterAction")]
    [InlineData("com.networknt.rule.ResponseCelRowFilterAction")]
    public void Built_ins_resolve_by_short_and_java_name(string name) =>
        Assert.True(ActionRegistry.CreateDefault().TryResolve(name, out _));

    [Theory]
    [InlineData("account-manager teller", "teller", true)]
    [InlineData("account-manager,teller", "teller", true)]
    [InlineData("[\"teller\"]", "teller", true)]
    [InlineData("account-manager teller", "guest", false)]
    [InlineData("account-manager teller", "guest teller", true)]
    [InlineData("", "teller", false)]
    public void Rbac_compares_role_claim_with_permission_roles(string roles, string role, bool allowed)
    {
        var set = YamlConfig.Load($$$"""
            ruleBodies:
              r: {ruleId: r, actions: [{actionClassName: RoleBasedAccessControlAction}]}
            endpointRules:
              /a@get: {req-acc: [r], permission: {roles: '{{{roles}}}'}}
            """);
        Assert.Equal(allowed, RuleEngine.Authorize(set, "/a@get", Ctx.WithRole(role)).Allowed);
    }

    [Fact]
    public void Rbac_reads_array_claims_and_mapped_claims()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              r: {ruleId: r, actions: [{actionClassName: RoleBasedAccessControlAction}]}
            endpointRules:
              /a@get: {req-acc: [r], permission: {roles: [a, b]}}
            """), options: new RuleEngineOptions { ClaimMappings = new Dictionary<string, IReadOnlyList<string>> { ["roles"] = ["custom_roles"] } });
        Assert.True(RuleEngine.Authorize(set, "/a@get", Ctx.WithRole(null, extraClaims: Ctx.Json("""{"roles":["x","b"]}"""))).Allowed);
        Assert.True(RuleEngine.Authorize(set, "/a@get", Ctx.WithRole(null, extraClaims: Ctx.Json("""{"custom_roles":"a"}"""))).Allowed);
        var d = RuleEngine.Authorize(set, "/a@get", Ctx.WithRole(null));
        Assert.Contains("no role claim", d.Reason);
    }

    private static RuleSet Filters(string permission, string extraRule = "") => YamlConfig.Load($$"""
        ruleBodies:
          rows: {ruleId: rows, ruleType: res-fil, actions: [{actionClassName: ResponseRowFilterAction}]}
          cols: {ruleId: cols, ruleType: res-fil, actions: [{actionClassName: ResponseColumnFilterAction}]}
          {{extraRule}}
        endpointRules:
          /a@get:
            res-fil: [cols, rows]
            permission: {{permission}}
        """);

    private static JsonNode Rows() => JsonNode.Parse("""
        [{"id":1,"name":"a","status":"OPEN","amount":5,"grp":"x"},
         {"id":2,"name":"b","status":"CLOSED","amount":50,"grp":"y"},
         {"id":3,"name":"c","status":"OPEN","amount":500}]
        """)!;

    private static string Filter(RuleSet set, JsonObject ctx, bool defaultInclude = false)
    {
        var r = RuleEngine.FilterResponse(set, "/a@get", ctx, Rows(), defaultInclude: defaultInclude);
        return r.Succeeded ? r.Response!.ToJsonString() : "FAILED: " + r.Reason;
    }

    [Theory]
    [InlineData("=", "OPEN", "[1,3]")]
    [InlineData("!=", "OPEN", "[2]")]
    [InlineData("in", "'OPEN CLOSED'", "[1,2,3]")]
    [InlineData("not in", "'CLOSED,X'", "[1,3]")]
    public void Row_filter_string_operators(string op, string value, string ids)
    {
        var set = Filters("{row: {role: {r: [{colName: status, operator: '" + op + "', colValue: " + value + "}]}}}");
        Assert.Equal(ids, Ids(Filter(set, Ctx.WithRole("r"))));
    }

    [Theory]
    [InlineData("<", "50", "[1]")]
    [InlineData(">", "5", "[2,3]")]
    [InlineData("<=", "50", "[1,2]")]
    [InlineData(">=", "50", "[2,3]")]
    [InlineData("range", "'5,50'", "[1,2]")]
    [InlineData("range", "[6, 500]", "[2,3]")]
    [InlineData("=", "'5'", "[1]")]
    [InlineData("like", "5", "[]")]
    public void Row_filter_numeric_operators_and_unknown_operator_drops(string op, string value, string ids)
    {
        var set = Filters("{row: {role: {r: [{colName: amount, operator: '" + op + "', colValue: " + value + "}]}}}");
        Assert.Equal(ids, Ids(Filter(set, Ctx.WithRole("r"))));
    }

    [Fact]
    public void Row_filter_drops_rows_missing_the_column_and_ands_predicates()
    {
        var set = Filters("""{row: {group: {x: [{colName: grp, operator: '=', colValue: x}]}, role: {r: [{colName: status, operator: '=', colValue: OPEN}, {colName: amount, operator: '>', colValue: 100}]}}}""");
        Assert.Equal("[3]", Ids(Filter(set, Ctx.WithRole("r"))));
        Assert.Equal("[1]", Ids(Filter(set, Ctx.WithRole(null, extraClaims: Ctx.Json("""{"grp":"x"}""")))));
        // Entries matching several claims are OR-ed.
        Assert.Equal("[1,3]", Ids(Filter(set, Ctx.WithRole("r", extraClaims: Ctx.Json("""{"grp":"x"}""")))));
    }

    [Fact]
    public void Row_filter_without_matching_claim_follows_default_include()
    {
        var set = Filters("""{row: {role: {r: [{colName: status, operator: '=', colValue: OPEN}]}}}""");
        Assert.Equal("[]", Filter(set, Ctx.WithRole("other")));
        Assert.Equal("[1,2,3]", Ids(Filter(set, Ctx.WithRole("other"), defaultInclude: true)));
    }

    [Fact]
    public void Column_filter_keep_list_remove_list_and_csv()
    {
        Assert.Equal("""[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"}]""",
            Filter(Filters("""{col: {role: {r: '["id","name"]'}}}"""), Ctx.WithRole("r")));
        Assert.Equal("""[{"id":1},{"id":2},{"id":3}]""",
            Filter(Filters("""{col: {role: {r: 'id'}}}"""), Ctx.WithRole("r")));
        Assert.Equal("""[{"id":1,"status":"OPEN"},{"id":2,"status":"CLOSED"},{"id":3,"status":"OPEN"}]""",
            Filter(Filters("""{col: {role: {r: 'id,status'}}}"""), Ctx.WithRole("r")));
        Assert.Equal("""[{"id":1,"status":"OPEN","grp":"x"},{"id":2,"status":"CLOSED","grp":"y"},{"id":3,"status":"OPEN"}]""",
            Filter(Filters("""{col: {role: {r: '!name,amount'}}}"""), Ctx.WithRole("r")));
        Assert.Equal("""[{},{},{}]""", Filter(Filters("""{col: {role: {r: 'id'}}}"""), Ctx.WithRole("other")));
    }

    [Fact]
    public void Cel_row_filter_binds_row_and_fails_closed_on_error()
    {
        var set = YamlConfig.Load("""
            ruleBodies:
              celRows:
                ruleId: celRows
                ruleType: res-fil
                actions:
                  - actionClassName: com.networknt.rule.ResponseCelRowFilterAction
                    actionValues: {rowExpression: 'row.amount < 100 && auditInfo.subject_claims.ClaimsMap.role == "r"'}
              badRows:
                ruleId: badRows
                ruleType: res-fil
                actions:
                  - actionClassName: ResponseCelRowFilterAction
                    actionValues: {rowExpression: 'row.grp == "x"'}
            endpointRules:
              /a@get: {res-fil: [celRows]}
              /b@get: {res-fil: [badRows]}
            """);
        var ok = RuleEngine.FilterResponse(set, "/a@get", Ctx.WithRole("r"), Rows());
        Assert.Equal("[1,2]", Ids(ok.Response!.ToJsonString()));

        var bad = RuleEngine.FilterResponse(set, "/b@get", Ctx.WithRole("r"), Rows());
        Assert.False(bad.Succeeded);
        Assert.Null(bad.Response);
        Assert.Contains("grp", bad.Reason);
    }

    [Fact]
    public void Cel_row_filter_expression_is_validated_at_load()
    {
        var r = RuleSetLoader.Load(YamlConfig.Parse("""
            ruleBodies:
              a: {ruleId: a, actions: [{actionClassName: ResponseCelRowFilterAction, actionValues: {rowExpression: 'row.x matches "a"'}}]}
              b: {ruleId: b, actions: [{actionClassName: ResponseCelRowFilterAction}]}
            """));
        Assert.Equal(["ruleBodies.a.actions[0].actionValues", "ruleBodies.b.actions[0].actionValues"], r.Errors.Select(e => e.Key));
    }

    private sealed class StampAction : IRuleAction
    {
        public RuleActionResult Execute(RuleActionContext context)
        {
            var count = context.Context["count"]?.GetValue<int>() ?? 0;
            context.Context["count"] = count + 1;
            return RuleActionResult.Pass();
        }
    }

    private sealed class ThrowingAction : IRuleAction
    {
        public RuleActionResult Execute(RuleActionContext context) => throw new InvalidOperationException("boom");
    }

    [Fact]
    public void Custom_actions_register_like_built_ins_and_request_transforms_run_in_order()
    {
        var registry = ActionRegistry.CreateDefault().Register("Stamp", new StampAction(), "com.example.StampAction");
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              one: {ruleId: one, actions: [{actionClassName: Stamp}]}
              two:
                ruleId: two
                conditions: [{operatorCode: equals, propertyPath: count, expected: 1}]
                actions: [{actionClassName: com.example.StampAction}]
            endpointRules:
              /a@post: {req-tra: [one, two]}
            """), registry);
        var result = RuleEngine.RunPhase(set, "/a@post", "req-tra", Ctx.WithRole("r"));
        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Context["count"]!.GetValue<int>());
    }

    [Fact]
    public void With_any_a_context_changing_action_never_leaks_its_change_into_the_next_rule()
    {
        // "stamp" adds count=1 and then fails on its condition-free second action; "counted" passes only if it
        // sees that change, which it must not.
        var registry = ActionRegistry.CreateDefault().Register("Stamp", new StampAction()).Register("Throw", new ThrowingAction());
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              stamp: {ruleId: stamp, actions: [{actionClassName: Stamp}, {actionClassName: Throw}]}
              counted: {ruleId: counted, conditions: [{operatorCode: equals, propertyPath: count, expected: 1}]}
            endpointRules:
              /a@get: {req-acc: [stamp, counted]}
            """), registry);
        var context = Ctx.WithRole("r");

        var call = RuleEngine.Prepare(set, "/a@get", context, owned: true);
        var d = RuleEngine.Authorize(set, call, AccessRuleLogic.Any);

        Assert.False(d.Allowed);
        Assert.Null(call.Context["count"]);
    }

    [Fact]
    public void A_prepared_call_shares_one_context_across_access_and_response_phases()
    {
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              role: {ruleId: role, actions: [{actionClassName: RoleBasedAccessControlAction}]}
              cols: {ruleId: cols, actions: [{actionClassName: ResponseColumnFilterAction}]}
            endpointRules:
              /a@get:
                req-acc: [role]
                res-fil: [cols]
                permission: {roles: teller, col: {role: {teller: '["id"]'}}}
            """));
        var context = Ctx.WithRole("teller");

        var call = RuleEngine.Prepare(set, "/a@get", context, owned: true);

        Assert.Same(context, call.Context);
        Assert.Equal("teller", call.Context["roles"]!.GetValue<string>());
        Assert.True(RuleEngine.Authorize(set, call).Allowed);
        Assert.True(RuleEngine.HasResponseFilters(set, call));
        var filtered = RuleEngine.FilterResponse(set, call, JsonNode.Parse("""[{"id":1,"secret":"x"}]"""));
        Assert.True(filtered.Succeeded, filtered.Reason);
        Assert.Equal("""[{"id":1}]""", filtered.Response!.ToJsonString());

        // Without ownership the caller's context is left as it was.
        var untouched = Ctx.WithRole("teller");
        var copied = RuleEngine.Prepare(set, "/a@get", untouched);
        Assert.NotSame(untouched, copied.Context);
        Assert.Null(untouched["roles"]);
    }

    [Fact]
    public void An_action_that_throws_fails_the_rule()
    {
        var registry = ActionRegistry.CreateDefault().Register("Throw", new ThrowingAction());
        var set = RuleSetLoader.LoadOrThrow(YamlConfig.Parse("""
            ruleBodies:
              r: {ruleId: r, actions: [{actionClassName: Throw}]}
            endpointRules:
              /a@get: {req-acc: [r]}
            """), registry);
        var d = RuleEngine.Authorize(set, "/a@get", Ctx.WithRole("r"));
        Assert.False(d.Allowed);
        Assert.Equal(RuleDecisionCode.Error, d.Code);
        Assert.Contains("boom", d.Reason);
    }

    private static string Ids(string json) =>
        json.StartsWith("FAILED", StringComparison.Ordinal) ? json
            : "[" + string.Join(",", JsonNode.Parse(json)!.AsArray().Select(r => r!["id"]!.ToJsonString())) + "]";
}
