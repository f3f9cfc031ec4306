using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Mcp.Upstream;

namespace LightFabric.Mcp.Tests.Upstream;

/// <summary>Upstream answers larger than the requester's limit fail the call instead of growing a buffer.</summary>
public sealed class StreamableHttpRequesterLimitTests
{
    private const int Limit = 64 * 1024;

    private static readonly string Reply = """{"jsonrpc":"2.0","id":1,"result":{"text":"TEXT"}}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_json_answer_over_the_limit_fails_with_or_without_content_length(bool withLength)
    {
        var requester = Requester(Json(Reply.Replace("TEXT", new string('x', Limit)), withLength));

        var ex = await Assert.ThrowsAsync<StreamableHttpRequester.AnswerTooLargeException>(() => SendAsync(requester));
        Assert.Equal(Limit, ex.Limit);
    }

    [Fact]
    public async Task An_sse_event_over_the_limit_fails()
    {
        var requester = Requester(Sse("data: " + Reply.Replace("TEXT", new string('x', Limit)) + "\n\n"));

        await Assert.ThrowsAsync<StreamableHttpRequester.AnswerTooLargeException>(() => SendAsync(requester));
    }

    [Fact]
    public async Task Answers_within_the_limit_are_read_and_many_small_events_may_exceed_it_together()
    {
        var progress = """data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1,"note":"NOTE"}}""".Replace("NOTE", new string('p', 1000));
        var events = string.Concat(Enumerable.Repeat(progress + "\n\n", 2 * Limit / 1000)) + "data: " + Reply.Replace("TEXT", "done") + "\n\n";
        var others = 0;
        var (outcome, reply, _) = await Requester(Sse(events)).SendAsync(1, "tools/call", null, "s", "2025-06-18", _ => others++, CancellationToken.None);
        Assert.Equal(StreamableHttpRequester.Outcome.Reply, outcome);
        Assert.Equal("done", reply!["result"]!["text"]!.GetValue<string>());
        Assert.Equal(2 * Limit / 1000, others);

        (outcome, reply, _) = await Requester(Json(Reply.Replace("TEXT", new string('x', Limit - 1000)), withLength: false))
            .SendAsync(1, "tools/call", null, "s", "2025-06-18", _ => { }, CancellationToken.None);
        Assert.Equal(StreamableHttpRequester.Outcome.Reply, outcome);
        Assert.Equal(Limit - 1000, reply!["result"]!["text"]!.GetValue<string>().Length);
    }

    private static Task<(StreamableHttpRequester.Outcome, JsonObject?, int)> SendAsync(StreamableHttpRequester requester) =>
        requester.SendAsync(1, "tools/call", null, "s", "2025-06-18", _ => { }, CancellationToken.None);

    private static StreamableHttpRequester Requester(Func<HttpContent> answer) =>
        new(new HttpClient(new Answering(answer)), new Uri("http://upstream.test/mcp"), new Dictionary<string, string>(), Limit);

    private static Func<HttpContent> Json(string body, bool withLength) => () =>
    {
        HttpContent content = withLength
            ? new StringContent(body, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        if (!withLength)
        {
            content.Headers.ContentLength = null;
            Assert.Null(content.Headers.ContentLength);
        }

        return content;
    };

    private static Func<HttpContent> Sse(string body) => () =>
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("text/event-stream");
        return content;
    };

    private sealed class Answering(Func<HttpContent> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = answer(), RequestMessage = request });
    }
}
