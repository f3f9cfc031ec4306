using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;

namespace LightFabric.EndToEnd.Tests.Fuzz;

/// <summary>
/// Clients that promise a longer body than they send and then close their side: the MCP endpoints read such bodies
/// without leaving Kestrel's connection in a broken state, so the gateway logs one client-fault line and no Kestrel
/// "Connection processing ended abnormally" stack, however often it happens.
/// </summary>
public sealed class TruncatedBodyTests
{
    private const int Attempts = 300;

    [Fact]
    public async Task Bodies_cut_short_by_the_client_leave_no_broken_connection_behind()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", """
            server.ip: 127.0.0.1
            server.httpPort: 0
            logging.filter: info
            handler.handlers: [mcp]
            handler.paths:
              - {path: /mcp, method: POST, exec: [mcp]}
            mcp-router.tools:
              - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
            """);
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path]);
        var baseAddress = await gateway.WaitForReadyAsync();
        using var http = new HttpClient { BaseAddress = baseAddress };
        var sessionId = await InitializeAsync(http);

        const string json = """{"jsonrpc":"2.0","id":1,"method":"ping"}""";
        var head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\n";
        string[] requests =
        [
            head + $"Content-Length: {json.Length + 100}\r\n\r\n" + json,
            head + $"Mcp-Session-Id: {sessionId}\r\nContent-Length: {json.Length + 100}\r\n\r\n" + json,
            head + "Transfer-Encoding: chunked\r\n\r\n40\r\n" + json[..10],
        ];
        await Parallel.ForEachAsync(Enumerable.Range(0, Attempts), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
            await SendAndHalfCloseAsync(baseAddress, requests[i % requests.Length]));

        // The gateway still answers on a fresh connection, and its log holds no Kestrel connection failure.
        using var ping = Post(json, sessionId);
        using var answer = await http.SendAsync(ping);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var log = gateway.StdOut + "\n" + gateway.StdErr;
        Assert.DoesNotContain("Connection processing ended abnormally", log);
        Assert.DoesNotContain("Reading is already in progress", log);
        Assert.Contains("Unexpected end of request content", log);
    }

    private static async Task SendAndHalfCloseAsync(Uri baseAddress, string raw)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(raw), SocketFlags.None, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the gateway: the client is gone in its eyes.
        }
    }

    private static async Task<string> InitializeAsync(HttpClient http)
    {
        using var initialize = Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"truncated-body","version":"1"}}}""", null);
        using var answer = await http.SendAsync(initialize);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var sessionId = answer.Headers.GetValues("Mcp-Session-Id").Single();
        Assert.NotNull(JsonNode.Parse(await answer.Content.ReadAsStringAsync())?["result"]);
        return sessionId;
    }

    private static HttpRequestMessage Post(string body, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", sessionId);
        }

        return request;
    }
}
