using LightFabric.Rules.Endpoints;

namespace LightFabric.Rules.Tests;

public class EndpointMatcherTests
{
    private static readonly RuleSet Set = YamlConfig.Load("""
        ruleBodies:
          r: {ruleId: r}
        endpointRules:
          /v1/accounts@get: {req-acc: [r]}
          /v1/accounts/{id}@get: {req-acc: [r]}
          /v1/accounts/special@get: {req-acc: [r]}
          /v1/accounts/{id}/owners/{owner}@get: {req-acc: [r]}
          /v1/accounts/{id}/owners@get: {req-acc: [r]}
          /v1/accounts@post: {req-acc: [r]}
          echo@call: {req-acc: [r]}
          lightapi.net/service/getApi/0.1.0: {req-acc: [r]}
        """);

    [Theory]
    [InlineData("/v1/accounts@get", "/v1/accounts@get", EndpointMatchKind.Exact)]
    [InlineData("/v1/accounts/special@get", "/v1/accounts/special@get", EndpointMatchKind.Exact)]
    [InlineData("/v1/accounts/123@get", "/v1/accounts/{id}@get", EndpointMatchKind.Template)]
    [InlineData("/v1/accounts/123/owners/9@get", "/v1/accounts/{id}/owners/{owner}@get", EndpointMatchKind.Template)]
    [InlineData("/v1/accounts/123/owners@get", "/v1/accounts/{id}/owners@get", EndpointMatchKind.Template)]
    [InlineData("/v1/accounts/123/owners/9/extra@get", "/v1/accounts/{id}/owners/{owner}@get", EndpointMatchKind.Parent)]
    [InlineData("/v1/accounts/123/history@get", "/v1/accounts/{id}@get", EndpointMatchKind.Parent)]
    [InlineData("/v1/accounts/special/x@get", "/v1/accounts/special@get", EndpointMatchKind.Parent)]
    [InlineData("/v1/accounts/1@post", "/v1/accounts@post", EndpointMatchKind.Parent)]
    [InlineData("/v1/accounts@GET", "/v1/accounts@get", EndpointMatchKind.Exact)]
    [InlineData("echo@call", "echo@call", EndpointMatchKind.Exact)]
    [InlineData("lightapi.net/service/getApi/0.1.0", "lightapi.net/service/getApi/0.1.0", EndpointMatchKind.Exact)]
    public void Finds_the_most_specific_entry(string endpoint, string key, EndpointMatchKind kind)
    {
        var m = Set.FindEndpoint(endpoint);
        Assert.NotNull(m);
        Assert.Equal(key, m.EndpointKey);
        Assert.Equal(kind, m.Kind);
    }

    [Theory]
    [InlineData("/v1/accountsx@get")]
    [InlineData("/v1/accounts@delete")]
    [InlineData("/v2/accounts@get")]
    [InlineData("other@call")]
    [InlineData("/v1")]
    public void Unrelated_endpoints_do_not_match(string endpoint) => Assert.Null(Set.FindEndpoint(endpoint));
}
