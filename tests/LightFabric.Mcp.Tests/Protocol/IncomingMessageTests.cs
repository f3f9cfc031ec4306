using System.Text;
using LightFabric.Mcp.Protocol;

namespace LightFabric.Mcp.Tests.Protocol;

/// <summary>What IncomingMessage.Parse refuses in a message's text, and where it says the problem is.</summary>
public sealed class IncomingMessageTests
{
    private static McpException Refused(string json) =>
        Assert.Throws<McpException>(() => IncomingMessage.Parse(Encoding.UTF8.GetBytes(json), 64));

    [Theory]
    [InlineData("\\ud800", "params.arguments.m")]
    [InlineData("\\udc00", "params.arguments.m")]
    [InlineData("\\ud800\\ud800", "params.arguments.m")]
    [InlineData("\\ud800x", "params.arguments.m")]
    public void A_lone_surrogate_is_refused_with_its_path(string escape, string where)
    {
        var error = Refused("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"m":""" + "\"" + escape + "\"}}}");

        Assert.Equal((McpErrorCodes.InvalidParams, 400), (error.Code, error.HttpStatus));
        Assert.Contains(where + " contains", error.Message);
    }

    [Fact]
    public void Long_escaped_strings_are_checked_too_and_well_formed_escapes_pass()
    {
        var padding = string.Concat(Enumerable.Repeat("\\u0041\\n\\\"", 200));
        var refused = Refused("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"list":[1,{"deep":""" + "\"" + padding + "\\ud800\"}]}}}");
        Assert.Contains("params.arguments.list[1].deep", refused.Message);

        var parsed = IncomingMessage.Parse(Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"\ud83d\ude00":""" + "\"" + padding + "\\ud83d\\ude00\"}}}"), 64);
        Assert.Equal("tools/call", parsed.Method);
        var (key, value) = parsed.Params!["arguments"]!.AsObject().Single();
        Assert.Equal("😀", key);
        Assert.EndsWith("A\n\"😀", value!.GetValue<string>());
    }

    [Fact]
    public void Duplicate_members_are_found_at_any_depth()
    {
        Assert.Contains("params.items[1] has the member \"a\" twice",
            Refused("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"items":[{"a":1},{"a":1,"b":2,"a":3}]}}""").Message);
        var top = Refused("""{"jsonrpc":"2.0","id":1,"method":"ping","id":2}""");
        Assert.Equal(McpErrorCodes.InvalidRequest, top.Code);

        // The same name in sibling objects is not a duplicate.
        IncomingMessage.Parse("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"id":1},"b":{"id":2}}}"""u8, 64);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_offset()
    {
        byte[] body = [.. """{"jsonrpc":"2.0","id":1,"method":"x"""u8, 0xF0, 0x9F, 0x98, .. "\"}"u8];

        var error = Assert.Throws<McpException>(() => IncomingMessage.Parse(body, 64));

        Assert.Equal(McpErrorCodes.ParseError, error.Code);
        Assert.Contains("at byte 35", error.Message);
    }
}
