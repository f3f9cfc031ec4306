using System.Text.Json.Nodes;
using LightFabric.Rules.Evaluation;
using LightFabric.Rules.Loading;

namespace LightFabric.Rules.Tests;

/// <summary>
/// The seed's fine-grained authorization example: /v1/accounts@get with teller and account-manager roles, a column
/// filter per role and a row filter for tellers (accountType = C).
/// </summary>
public class FgaSeedExampleTests
{
    private static readonly RuleSet Set = RuleSetLoader.LoadOrThrow(YamlConfig.File("fga-accounts.yml"));

    private const string Accounts = """
        [
          {"accountNo":"1001","userId":"u1","accountType":"C","firstName":"Ann","lastName":"Lee","status":"A","balance":120.5},
          {"accountNo":"1002","userId":"u2","accountType":"S","firstName":"Bob","lastName":"Ray","status":"A","balance":9000},
          {"accountNo":"1003","userId":"u3","accountType":"C","firstName":"Cid","lastName":"Moe","status":"X","balance":0}
        ]
        """;

    [Fact]
    public void Teller_sees_checking_accounts_without_status()
    {
        var ctx = Ctx.WithRole("teller");
        Assert.True(RuleEngine.Authorize(Set, "/v1/accounts@get", ctx).Allowed);

        var result = RuleEngine.FilterResponse(Set, "/v1/accounts@get", ctx, JsonNode.Parse(Accounts));
        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(
            """[{"accountNo":"1001","userId":"u1","accountType":"C","firstName":"Ann","lastName":"Lee"},{"accountNo":"1003","userId":"u3","accountType":"C","firstName":"Cid","lastName":"Moe"}]""",
            result.Response!.ToJsonString());

        // Row filter first, then columns (the list order in the seed is column, row).
        Assert.Equal(["response-row-filter.lightapi.net", "response-column-filter.lightapi.net"], result.Outcomes.Select(o => o.RuleId));
    }

    [Fact]
    public void Account_manager_sees_every_account_with_status()
    {
        var ctx = Ctx.WithRole("account-manager");
        Assert.True(RuleEngine.Authorize(Set, "/v1/accounts@get", ctx).Allowed);

        // The example has no row entry for account-manager: with defaultInclude (access-control.yml) the role is
        // unrestricted, as the seed intends.
        var result = RuleEngine.FilterResponse(Set, "/v1/accounts@get", ctx, JsonNode.Parse(Accounts), defaultInclude: true);
        Assert.True(result.Succeeded, result.Reason);
        var rows = result.Response!.AsArray();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(["accountNo", "userId", "accountType", "firstName", "lastName", "status"], r!.AsObject().Select(p => p.Key)));
    }

    [Fact]
    public void Without_default_include_a_role_with_no_row_entry_sees_no_rows()
    {
        var result = RuleEngine.FilterResponse(Set, "/v1/accounts@get", Ctx.WithRole("account-manager"), JsonNode.Parse(Accounts));
        Assert.True(result.Succeeded, result.Reason);
        Assert.Empty(result.Response!.AsArray());
    }

    [Fact]
    public void Teller_result_is_the_same_with_default_include()
    {
        var result = RuleEngine.FilterResponse(Set, "/v1/accounts@get", Ctx.WithRole("teller"), JsonNode.Parse(Accounts), defaultInclude: true);
        Assert.Equal(["1001", "1003"], result.Response!.AsArray().Select(r => r!["accountNo"]!.GetValue<string>()));
    }

    [Fact]
    public void Guest_is_denied_with_the_rule_and_reason()
    {
        var d = RuleEngine.Authorize(Set, "/v1/accounts@get", Ctx.WithRole("guest"));
        Assert.False(d.Allowed);
        Assert.Equal(RuleDecisionCode.Denied, d.Code);
        Assert.Equal("allow-role-based-access-control.lightapi.net", d.RuleId);
        Assert.Equal("/v1/accounts@get", d.EndpointKey);
        Assert.Equal(RuleOutcomeCode.ActionDenied, d.Outcomes[0].Code);
        Assert.Contains("guest", d.Reason);
        Assert.Equal("access.denied", d.ReasonCode);
    }

    [Fact]
    public void Missing_claims_are_denied_by_the_condition()
    {
        var d = RuleEngine.Authorize(Set, "/v1/accounts@get", Ctx.WithRole(null));
        Assert.False(d.Allowed);
        Assert.Equal(RuleOutcomeCode.ConditionsNotMet, d.Outcomes[0].Code);
        Assert.Equal(0, d.Outcomes[0].ConditionIndex);
    }

    [Theory]
    [InlineData("echo@call", "mcp-reader", true)]
    [InlineData("echo@call", "teller", false)]
    [InlineData("/v1/pets@get", "host-admin", true)]
    [InlineData("/v1/pets/7@get", "host-admin", true)]
    [InlineData("/v1/pets@get", "mcp-reader", false)]
    public void Other_endpoints_of_the_example(string endpoint, string role, bool allowed) =>
        Assert.Equal(allowed, RuleEngine.Authorize(Set, endpoint, Ctx.WithRole(role)).Allowed);

    [Fact]
    public void Items_wrapped_responses_and_single_objects_are_filtered_too()
    {
        var wrapped = JsonNode.Parse($$"""{"items":{{Accounts}}}""");
        var r = RuleEngine.FilterResponse(Set, "/v1/accounts@get", Ctx.WithRole("teller"), wrapped);
        Assert.Equal(2, r.Response!["items"]!.AsArray().Count);

        var single = JsonNode.Parse("""{"accountNo":"1002","accountType":"S","status":"A"}""");
        var denied = RuleEngine.FilterResponse(Set, "/v1/accounts@get", Ctx.WithRole("teller"), single);
        Assert.False(denied.Succeeded);
        Assert.Null(denied.Response);
        Assert.Equal("response-row-filter.lightapi.net", denied.RuleId);

        var visible = RuleEngine.FilterResponse(Set, "/v1/accounts@get", Ctx.WithRole("teller"),
            JsonNode.Parse("""{"accountNo":"1001","accountType":"C","status":"A"}"""));
        Assert.Equal("""{"accountNo":"1001","accountType":"C"}""", visible.Response!.ToJsonString());
    }
}
