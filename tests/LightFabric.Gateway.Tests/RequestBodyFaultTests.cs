using System.Net.Sockets;
using System.Text;
using LightFabric.Gateway.Tests.Mcp;
using LightFabric.Testing;
using Microsoft.Extensions.Logging;

namespace LightFabric.Gateway.Tests;

/// <summary>
/// Clients that break the HTTP framing of their body or leave mid-body get one warning line each kind and interval,
/// never an error with a stack trace, and a 400 when they are still there to read it.
/// </summary>
public sealed class RequestBodyFaultTests
{
    private const string Values = """
        mcp-router.tools:
          - {name: health_check, targetHost: "http://127.0.0.1:9", path: /ping, method: GET}
        """;

    private const string ChunkedHead =
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    [Fact]
    public async Task Malformed_chunked_bodies_log_one_warning_per_interval_with_a_count_and_no_error()
    {
        using var dir = new TempDirectory();
        var logs = new LogCapture();
        var clock = new TestClock();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Values),
            o => o with { ExtraLoggerProviders = [logs], TimeProvider = clock });
        await using var _ = runtime;
        using var __ = client;

        for (var i = 0; i < 5; i++)
        {
            var answer = await RawAsync(client.BaseAddress!, ChunkedHead + "zz\r\n{\"jsonrpc\"\r\n0\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 400", answer);
            Assert.Contains("INVALID_REQUEST_BODY", answer);
        }

        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Error);
        var first = Assert.Single(Faults(logs));
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Contains("POST /mcp ended: malformed request body", first.Message);
        Assert.DoesNotContain("\n", first.Message);

        clock.Advance(ClientFaultLogInterval);
        await RawAsync(client.BaseAddress!, ChunkedHead + "zz\r\n");
        var faults = Faults(logs);
        Assert.Equal(2, faults.Count);
        Assert.Contains("4 more of this kind", faults[1].Message);

        // The gateway serves well-formed requests as before.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await new McpWire(client).InitializeAsync()).Status);
    }

    [Fact]
    public async Task A_client_that_leaves_mid_body_is_one_warning_line_not_an_error()
    {
        using var dir = new TempDirectory();
        var logs = new LogCapture();
        var clock = new TestClock();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With(Values),
            o => o with { ExtraLoggerProviders = [logs], TimeProvider = clock });
        await using var _ = runtime;
        using var __ = client;

        foreach (var reset in (bool[])[false, true])
        {
            // Each departure is its own interval, so each is logged.
            clock.Advance(ClientFaultLogInterval);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(client.BaseAddress!.Host, client.BaseAddress.Port);
            var head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: 1000\r\n\r\n";
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head + "{\"jsonrpc\":"));
            if (reset)
            {
                tcp.Client.LingerState = new LingerOption(true, 0);
            }

            tcp.Close();
            await WaitForAsync(() => Faults(logs).Count == (reset ? 2 : 1) || logs.Records.Any(r => r.Level >= LogLevel.Error), logs);
        }

        Assert.False(logs.Records.Any(r => r.Level >= LogLevel.Error), logs.AllText);
        Assert.All(Faults(logs), r => Assert.Equal(LogLevel.Warning, r.Level));
    }

    private static readonly TimeSpan ClientFaultLogInterval = Chains.ClientFaultLog.DefaultInterval;

    private static List<(LogLevel Level, string Category, string Message)> Faults(LogCapture logs) =>
        logs.Records.Where(r => r.Category == "LightFabric.Gateway.Requests").ToList();

    /// <summary>Waits for something the gateway does on its own after the client left; fails after 20 s.</summary>
    private static async Task WaitForAsync(Func<bool> condition, LogCapture logs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The gateway logged nothing expected about the client that left:\n" + logs.AllText);
            await Task.Delay(10);
        }
    }

    /// <summary>Sends bytes on a fresh connection and returns what the gateway answers up to the end of its headers and body.</summary>
    private static async Task<string> RawAsync(Uri address, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return received.ToString();
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            if (end > 0 && length > 0 && int.TryParse(text[(length + 16)..text.IndexOf('\r', length)], out var bodyLength)
                && text.Length >= end + 4 + bodyLength)
            {
                return text;
            }
        }
    }
}
