using System.Text.Json.Nodes;
using LightFabric.Rules.Conditions;

namespace LightFabric.Rules.Tests;

public class PropertyPathTests
{
    private static readonly JsonObject Root = Ctx.Json("""
        {"role":"admin","user":{"role":"teller","roles":["a","b"],"a/b":1,"m~n":2,"dot.ted":3}}
        """);

    [Theory]
    [InlineData("role", "\"admin\"")]
    [InlineData("user.role", "\"teller\"")]
    [InlineData("/user/role", "\"teller\"")]
    [InlineData("$.user.roles[0]", "\"a\"")]
    [InlineData("$.user.roles[1]", "\"b\"")]
    [InlineData("user.roles[1]", "\"b\"")]
    [InlineData("/user/roles/0", "\"a\"")]
    [InlineData("/user/a~1b", "1")]
    [InlineData("/user/m~0n", "2")]
    [InlineData("$['user']['dot.ted']", "3")]
    [InlineData("$.user[\"role\"]", "\"teller\"")]
    public void Resolves_each_form(string path, string expected)
    {
        Assert.True(PropertyPath.Parse(path).TryResolve(Root, out var v));
        Assert.Equal(expected, v!.ToJsonString());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("user.missing")]
    [InlineData("$.user.roles[5]")]
    [InlineData("/role/x")]
    public void Missing_members_are_not_found(string path) =>
        Assert.False(PropertyPath.Parse(path).TryResolve(Root, out _));

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("a.")]
    [InlineData("$x")]
    [InlineData("a[b]")]
    [InlineData("a[0")]
    [InlineData("/a~2")]
    public void Malformed_paths_are_rejected(string path) =>
        Assert.False(PropertyPath.TryParse(path, out _, out var error) && error is null);
}
