using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Upstream;
using ModelContextProtocol.Protocol;
using static LightFabric.Mcp.Tests.Peers;

namespace LightFabric.Mcp.Tests;

/// <summary>What an upstream sends is bounded: stdio messages by maxMessageBytes while they are read, relayed errors by size.</summary>
public sealed class UpstreamMessageLimitTests
{
    private const int Limit = 8 * 1024 * 1024;

    [Fact]
    public async Task A_stdio_answer_over_maxMessageBytes_fails_that_call_only_and_is_never_buffered_past_the_limit()
    {
        using var logging = Logging(out var log);
        var settings = ScriptedSettings("big", "--tool=huge", "--tool=sleep") with { MaxMessageBytes = Limit };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(TimeSpan.FromSeconds(30), default));
        var pid = server.ProcessId;

        var concurrent = server.CallToolAsync("sleep", new JsonObject { ["ms"] = 500 }, null, default);
        foreach (var idLast in new[] { false, true })
        {
            var error = await Assert.ThrowsAsync<UpstreamUnavailableException>(() =>
                server.CallToolAsync("huge", new JsonObject { ["bytes"] = 40_000_000, ["idLast"] = idLast }, null, default));
            Assert.Equal($"upstream MCP server 'big' answered tools/call with more than {Limit} bytes " +
                "(maxMessageBytes, the gateway's limit for one upstream MCP message); the answer was dropped", error.Message);
        }

        // The reader never held more than the limit, and the pipe goes on with the next message.
        Assert.InRange(server.StdioOutput!.LargestLineBuffer, 1, Limit);
        Assert.Equal("slept 500", Text(await concurrent));
        Assert.Equal(1_000_000, Text(await server.CallToolAsync("huge", new JsonObject { ["bytes"] = 1_000_000 }, null, default)).Length);
        Assert.Equal(UpstreamStatus.Up, server.State.Status);
        Assert.Equal(0, server.State.Restarts);
        Assert.Equal(pid, server.ProcessId);
        Assert.Equal(2, log.Records.Count(r => r.Message.StartsWith("upstream MCP server 'big' answered tools/call with 400000", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_oversize_line_that_is_not_json_is_skipped_and_one_whose_request_cannot_be_told_restarts_the_server()
    {
        using var logging = Logging(out var log);
        var settings = ScriptedSettings("vague", "--tool=huge-garbage-then-echo", "--tool=huge-without-id") with { MaxMessageBytes = 1024 * 1024 };
        await using var server = new UpstreamServer(settings, logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(TimeSpan.FromSeconds(30), default));

        Assert.Equal("echo after", Text(await server.CallToolAsync("huge-garbage-then-echo",
            new JsonObject { ["bytes"] = 5_000_000, ["message"] = "after" }, null, default)));
        Assert.Single(log.Records, r => r.Message.StartsWith("upstream MCP server 'vague' sent a message of 5000000 bytes", StringComparison.Ordinal));
        Assert.Equal(0, server.State.Restarts);

        var pid = server.ProcessId;
        var error = await Assert.ThrowsAsync<UpstreamUnavailableException>(() =>
            server.CallToolAsync("huge-without-id", new JsonObject { ["bytes"] = 5_000_000 }, null, default));
        Assert.Contains("which request it answers cannot be told", error.Message);
        await Eventually(() => server.State.Status == UpstreamStatus.Up && server.State.Restarts == 1, "restarted and up again");
        Assert.NotEqual(pid, server.ProcessId);
    }

    [Fact]
    public async Task An_upstream_error_is_relayed_with_its_message_and_data_cut_to_size()
    {
        using var logging = Logging(out _);
        await using var server = new UpstreamServer(ScriptedSettings("loud", "--tool=huge-error"), logging);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(TimeSpan.FromSeconds(30), default));

        var error = await Assert.ThrowsAsync<UpstreamErrorException>(() =>
            server.CallToolAsync("huge-error", new JsonObject { ["chars"] = 5_000_000 }, null, default));
        Assert.Equal(-32099, error.Code);
        Assert.Equal(new string('E', RelayedUpstreamError.MaxMessageChars) + "… (cut by the gateway: 5000000 characters)", error.Message);
        Assert.StartsWith("(error data dropped by the gateway: ", error.Data?.GetValue<string>());

        var small = await Assert.ThrowsAsync<UpstreamErrorException>(() =>
            server.CallToolAsync("huge-error", new JsonObject { ["chars"] = 10 }, null, default));
        Assert.Equal("EEEEEEEEEE", small.Message);
        Assert.Equal("dddddddddd", small.Data?["blob"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":{"content":[{"id":1,"text":"xxxxxxxx""", """xxxx"}]}}""", 7L, false)]
    [InlineData("""{"result":{"content":[{"type":"text","text":"xxxxx""", """xxx","id":3}]},"jsonrpc":"2.0","id":"a\"b"}""", "a\"b", false)]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"xxxx""", """xxxx"}}""", null, true)]
    [InlineData("""{"result":{"content":[{"text":"xxx""", """xxx","id":3}]}}""", null, false)]
    [InlineData("""{"jsonrpc":"2.0","result":{"text":"xxx""", """xxx"},"id":12,"jsonrpc":"2.0"}""", 12L, false)]
    [InlineData("""zzzzzzzzzzzzzzz""", """zzzz"id":5}""", null, false)]
    public void An_oversize_message_is_told_by_its_ends(string head, string tail, object? id, bool hasMethod)
    {
        var message = OversizeMessage.From(100, 10, Encoding.UTF8.GetBytes(head), Encoding.UTF8.GetBytes(tail));
        Assert.Equal(id switch { long n => new RequestId(n), string s => new RequestId(s), _ => (RequestId?)null }, message.Id);
        Assert.Equal(hasMethod, message.HasMethod);
    }

    [Fact]
    public async Task The_line_reader_skips_an_oversize_line_to_its_newline()
    {
        var text = "first\n" + new string('y', 100_000) + "\r\nthird\r\nlast-unterminated";
        var reader = new BoundedLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), 50_000);
        Assert.Equal("first", Encoding.UTF8.GetString((await reader.ReadAsync(default)).Line.Span));
        var big = await reader.ReadAsync(default);
        Assert.Equal(100_001, big.OversizeLength);
        Assert.Equal(BoundedLineReader.KeptEndBytes, big.Head.Length);
        Assert.Equal(new string('y', BoundedLineReader.KeptEndBytes - 1), Encoding.UTF8.GetString(big.Tail.Span));
        Assert.Equal("third", Encoding.UTF8.GetString((await reader.ReadAsync(default)).Line.Span));
        Assert.Equal("last-unterminated", Encoding.UTF8.GetString((await reader.ReadAsync(default)).Line.Span));
        Assert.True((await reader.ReadAsync(default)).IsEnd);
        Assert.InRange(reader.LargestLineBuffer, 1, 50_000);
    }
}
