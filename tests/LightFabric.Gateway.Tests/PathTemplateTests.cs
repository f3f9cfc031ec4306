using LightFabric.Gateway.Chains;

namespace LightFabric.Gateway.Tests;

public sealed class PathTemplateTests
{
    [Theory]
    [InlineData("/api/orders", "/api/orders", true)]
    [InlineData("/api/orders", "/api/orders/1", false)]
    [InlineData("/api/orders", "/api/order", false)]
    [InlineData("/api/", "/api/", true)]
    [InlineData("/api/", "/api", false)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/x", false)]
    [InlineData("/api/*", "/api", true)]
    [InlineData("/api/*", "/api/a/b/c", true)]
    [InlineData("/api/*", "/apix", false)]
    [InlineData("/*", "/anything/at/all", true)]
    [InlineData("/api/orders/{id}", "/api/orders/", false)]
    [InlineData("/api/orders/{id}", "/api/orders/1/items", false)]
    public void Matches_exact_prefix_and_template_paths(string template, string path, bool expected)
    {
        Assert.True(PathTemplate.TryParse(template, out var parsed, out var error), error);
        Dictionary<string, string>? parameters = null;
        Assert.Equal(expected, parsed.TryMatch(path, ref parameters));
    }

    [Fact]
    public void Captures_template_parameters()
    {
        Assert.True(PathTemplate.TryParse("/api/{tenant}/orders/{id}/*", out var template, out _));
        Dictionary<string, string>? parameters = null;

        Assert.True(template.TryMatch("/api/acme/orders/a%20b/lines/3", ref parameters));

        Assert.Equal("acme", parameters!["tenant"]);
        Assert.Equal("a b", parameters["id"]);
    }

    [Theory]
    [InlineData("api/orders", "must start with '/'")]
    [InlineData("/api/*/x", "only allowed as a trailing")]
    [InlineData("/api/{id", "whole '{name}' parameter")]
    [InlineData("/api/x{id}", "whole '{name}' parameter")]
    public void Rejects_malformed_paths_with_a_reason(string template, string reason)
    {
        Assert.False(PathTemplate.TryParse(template, out _, out var error));
        Assert.Contains(reason, error);
    }
}
