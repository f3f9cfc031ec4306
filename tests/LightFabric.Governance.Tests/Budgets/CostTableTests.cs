using LightFabric.Governance.Budgets;

namespace LightFabric.Governance.Tests.Budgets;

public sealed class CostTableTests
{
    [Fact]
    public void Exact_name_then_longest_prefix_then_catch_all_then_default()
    {
        var costs = new CostTable(1, new Dictionary<string, long> { ["web_search"] = 5, ["db_*"] = 7, ["d*"] = 9, ["*"] = 2 });

        Assert.Equal(5, costs.CostOf("web_search"));
        Assert.Equal(7, costs.CostOf("db_read"));
        Assert.Equal(9, costs.CostOf("delete"));
        Assert.Equal(2, costs.CostOf("other"));
    }

    [Fact]
    public void Without_a_catch_all_the_default_applies_and_exact_beats_a_matching_pattern()
    {
        var costs = new CostTable(1, new Dictionary<string, long> { ["db_*"] = 7, ["db_read"] = 3 });

        Assert.Equal(1, costs.CostOf("other"));
        Assert.Equal(3, costs.CostOf("db_read"));
        Assert.Equal(7, costs.CostOf("db_write"));
        Assert.Equal(7, costs.CostOf("db_"));
    }

    [Fact]
    public void Negative_costs_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CostTable(-1, new Dictionary<string, long>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CostTable(1, new Dictionary<string, long> { ["x"] = -2 }));
    }
}
