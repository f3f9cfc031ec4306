using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LightFabric.EndToEnd.Tests.Fuzz;

/// <summary>
/// A bounded, seeded fuzz run against a real light-gateway process fronting a stdio MCP server, an HTTP API tool and
/// a proxied API: thousands of malformed requests on every endpoint, with a valid session and without. None may get a
/// 5xx answer, hang, crash the gateway, log a stack trace or restart the stdio upstream, and a normal call still
/// answers at once afterwards.
/// </summary>
public sealed class MalformedRequestFuzzTests(ITestOutputHelper output)
{
    /// <summary>LIGHTFABRIC_FUZZ_SEED and LIGHTFABRIC_FUZZ_COUNT vary the run; the defaults are what CI runs.</summary>
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("LIGHTFABRIC_FUZZ_SEED"), out var seed) ? seed : 20261202;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("LIGHTFABRIC_FUZZ_COUNT"), out var count) ? count : 6000;

    /// <summary>LIGHTFABRIC_FUZZ_ONLY keeps only requests whose description contains it, to narrow down a finding.</summary>
    private static string? Only => Environment.GetEnvironmentVariable("LIGHTFABRIC_FUZZ_ONLY");

    [Fact]
    public async Task Malformed_requests_on_every_endpoint_get_no_5xx_and_leave_the_stdio_upstream_serving()
    {
        var peers = McpPeers.Instance;
        await using var api = await EchoApi.StartAsync();
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", GatewayValues(peers, api.BaseUrl));
        await using var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path]);
        var baseAddress = await gateway.WaitForReadyAsync();
        using var http = new HttpClient { BaseAddress = baseAddress };

        var sessionId = await InitializeAsync(http);
        Assert.Equal("Echo: before", await EchoAsync(http, sessionId, "before", TimeSpan.FromSeconds(30)));
        var upstreamBefore = ProcessTable.ChildrenOf(gateway.Pid).ToHashSet();
        Assert.NotEmpty(upstreamBefore);
        using var legacy = await LegacyStream.OpenAsync(http);

        var generator = new MalformedRequestGenerator(Seed, sessionId, legacy.SessionId);
        var requests = generator.Generate(Count).Where(r => Only is null || r.ToString().Contains(Only, StringComparison.Ordinal)).ToArray();
        var serverErrors = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var unanswered = new ConcurrentDictionary<string, int>();
        using var fuzz = new FuzzClient(baseAddress);
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (request, _) =>
        {
            int status;
            try
            {
                status = await fuzz.SendAsync(request);
            }
            catch (OperationCanceledException)
            {
                serverErrors.Enqueue("no answer within 30 s: " + request);
                return;
            }

            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status == 0)
            {
                unanswered.AddOrUpdate(request.Description, 1, (_, n) => n + 1);
            }

            // 505 is Kestrel's answer to a request line with an HTTP version it does not speak (RFC 9110 §15.6.6),
            // written before any gateway code runs; every other 5xx is the gateway's.
            if (status >= 500 && !(status == 505 && request.Raw is not null))
            {
                serverErrors.Enqueue($"{status}: {request}");
            }
        });

        output.WriteLine($"seed {Seed}, {requests.Length} requests; answers by status: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine("closed without an answer: " + string.Join(", ", unanswered.OrderByDescending(u => u.Value).Select(u => $"{u.Key}×{u.Value}")));
        Assert.True(serverErrors.IsEmpty, $"seed {Seed}: {serverErrors.Count} requests got a 5xx or no answer; the first of each kind:\n" +
            string.Join("\n", serverErrors.GroupBy(Kind)
                .Select(g => $"×{g.Count()} {g.First()}")));

        // The gateway still runs, its stdio upstream was never restarted, and a normal call answers at once.
        Assert.False(gateway.HasExited, "light-gateway exited during the fuzz run:\n" + gateway.StdErr);
        Assert.Equal("Echo: after", await EchoAsync(http, sessionId, "after", TimeSpan.FromSeconds(1)));
        Assert.Subset(ProcessTable.ChildrenOf(gateway.Pid).ToHashSet(), upstreamBefore);

        // Client mistakes are not the gateway's errors: no stack trace reaches its log.
        var log = gateway.StdOut + "\n" + gateway.StdErr;
        var stackLines = log.Split('\n').Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(')).ToArray();
        Assert.True(stackLines.Length == 0, $"the gateway logged {stackLines.Length} stack-trace lines; around the first:\n" + Around(log, stackLines.FirstOrDefault()));
    }

    private static string GatewayValues(McpPeers peers, string apiBaseUrl) => $$"""
        server.ip: 127.0.0.1
        server.httpPort: 0
        logging.filter: info
        handler.handlers: [correlation, cors, health, mcp, proxy]
        handler.chains:
          default: [correlation, cors]
        handler.paths:
          - {path: /ping, method: GET, exec: [default, health]}
          - {path: /mcp, method: POST, exec: [default, mcp]}
          - {path: /mcp, method: GET, exec: [default, mcp]}
          - {path: /mcp, method: DELETE, exec: [default, mcp]}
          - {path: /mcp/sse, method: GET, exec: [default, mcp]}
          - {path: /mcp/messages, method: POST, exec: [default, mcp]}
          - {path: /api/*, method: GET, exec: [default, proxy]}
          - {path: /api/*, method: POST, exec: [default, proxy]}
          - {path: /api/*, method: PUT, exec: [default, proxy]}
          - {path: /api/*, method: DELETE, exec: [default, proxy]}
        handler.defaultHandlers: [default]
        cors.allowedOrigins: [http://localhost:3000]
        proxy.hosts: {{apiBaseUrl}}
        # A 504 from the default 1 s limit would say the machine is loaded, not that the request was mishandled.
        proxy.maxRequestTime: 30000
        mcp-router.upstreamStartupWaitMs: 60000
        mcp-router.maxSessions: 100000
        mcp-router.servers:
          - name: everything
            transport: stdio
            command: ["{{peers.NodePath}}", "{{peers.EverythingServerScript}}", stdio]
            timeoutMs: 20000
        mcp-router.tools:
          - {name: weather, targetHost: "{{apiBaseUrl}}", path: /weather, method: GET}
        """;

    private static async Task<string> InitializeAsync(HttpClient http)
    {
        using var initialize = Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz-baseline","version":"1"}}}""", null);
        using var answer = await http.SendAsync(initialize);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var sessionId = answer.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId);
        using var accepted = await http.SendAsync(initialized);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return sessionId;
    }

    private static async Task<string> EchoAsync(HttpClient http, string sessionId, string text, TimeSpan within)
    {
        var call = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 2,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = text } },
        };
        using var request = Post(call.ToJsonString(), sessionId);
        using var timeout = new CancellationTokenSource(within);
        using var answer = await http.SendAsync(request, timeout.Token);
        var body = await answer.Content.ReadAsStringAsync(timeout.Token);
        var json = answer.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? body.Split('\n').First(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]
            : body;
        return JsonNode.Parse(json)!["result"]?["content"]?[0]?["text"]?.GetValue<string>() ?? throw new InvalidOperationException("echo failed: " + body);
    }

    private static HttpRequestMessage Post(string json, string? sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        return request;
    }

    /// <summary>"500: lone surrogate escape (session): POST …" → "500: lone surrogate escape".</summary>
    private static string Kind(string error)
    {
        var end = error.IndexOf(" (", StringComparison.Ordinal);
        return error[..(end > 0 ? end : Math.Min(error.Length, 40))];
    }

    private static string Around(string log, string? line)
    {
        if (line is null)
        {
            return "";
        }

        var at = log.IndexOf(line, StringComparison.Ordinal);
        return log[Math.Max(0, at - 1500)..Math.Min(log.Length, at + 500)];
    }

    /// <summary>An open legacy HTTP+SSE session (GET /mcp/sse), whose id the fuzz run posts messages for.</summary>
    private sealed class LegacyStream : IDisposable
    {
        private readonly HttpResponseMessage _response;

        private LegacyStream(HttpResponseMessage response, string sessionId)
        {
            _response = response;
            SessionId = sessionId;
        }

        public string SessionId { get; }

        public static async Task<LegacyStream> OpenAsync(HttpClient http)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mcp/sse");
            request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                var at = line.IndexOf("sessionId=", StringComparison.Ordinal);
                if (line.StartsWith("data:", StringComparison.Ordinal) && at >= 0)
                {
                    return new LegacyStream(response, line[(at + "sessionId=".Length)..].Trim());
                }
            }

            throw new InvalidOperationException("GET /mcp/sse sent no endpoint event");
        }

        public void Dispose() => _response.Dispose();
    }

    /// <summary>The API behind the proxy route and the HTTP API tool: answers every request, never with a 5xx.</summary>
    private sealed class EchoApi : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private EchoApi(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public static async Task<EchoApi> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/weather", (string? city) => Results.Json(new { city, temperature = 21 }));
            app.Run(async context =>
            {
                var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                await context.Response.WriteAsJsonAsync(new { method = context.Request.Method, bytes = body.Length });
            });
            await app.StartAsync();
            return new EchoApi(app, app.Urls.First());
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
