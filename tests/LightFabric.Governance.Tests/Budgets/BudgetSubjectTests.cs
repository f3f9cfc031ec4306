using System.Text.Json.Nodes;
using LightFabric.Governance.Budgets;
using LightFabric.Governance.Calls;

namespace LightFabric.Governance.Tests.Budgets;

public sealed class BudgetSubjectTests
{
    [Theory]
    [InlineData("auto", "{\"client_id\":\"app\",\"sub\":\"u1\"}", true, "app")]
    [InlineData("auto", "{\"sub\":\"u1\"}", true, "u1")]
    [InlineData("auto", "{\"user_id\":\"alice\"}", true, "alice")]
    [InlineData("auto", "{}", true, "0123456789ab")]
    [InlineData("auto", "{}", false, "0123456789ab")]
    [InlineData("token", "{\"client_id\":\"app\"}", true, "0123456789ab")]
    [InlineData("claim:tenant", "{\"tenant\":[\"t1\",\"t2\"]}", true, "t1")]
    [InlineData("claim:tenant", "{\"tenant\":\"t1\"}", false, null)]
    [InlineData("claim:tenant", "{\"sub\":\"u1\"}", true, null)]
    public void Each_subject_kind_keys_the_budget_by_what_it_says(string kind, string claims, bool authenticated, string? expected)
    {
        Assert.True(BudgetSubject.TryParse(kind, out var subject));
        var caller = new CallCaller("0123456789ab", authenticated, JsonNode.Parse(claims)!.AsObject());
        Assert.Equal(expected, subject.Of(caller));
    }

    [Fact]
    public void An_anonymous_caller_without_a_credential_has_no_budget() => Assert.Null(BudgetSubject.Auto.Of(CallCaller.Anonymous));

    [Theory]
    [InlineData("claim:")]
    [InlineData("jwt")]
    public void Unknown_subject_kinds_are_refused(string text) => Assert.False(BudgetSubject.TryParse(text, out _));
}
