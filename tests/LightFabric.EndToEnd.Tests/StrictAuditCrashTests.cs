using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LightFabric.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LightFabric.EndToEnd.Tests;

/// <summary>
/// Strict audit survives a crash: a real gateway process answering tools/calls under load is killed with SIGKILL; after
/// a restart every call its client saw answered has its record, in the JSONL trail and in SQLite, and the chain verifies.
/// </summary>
public sealed class StrictAuditCrashTests
{
    [Fact]
    public async Task Every_answered_call_has_its_record_after_a_kill_9_and_the_chain_verifies()
    {
        await using var api = await StartApiAsync();
        using var dir = new TempDirectory();
        var audit = Path.Combine(dir.Path, "audit");
        var db = Path.Combine(dir.Path, "data", "audit.db");
        dir.WriteConfig("values.yml", $$"""
            server.ip: 127.0.0.1
            handler.handlers: [audit, mcp]
            handler.paths:
              - {path: /mcp, method: POST, exec: [audit, mcp]}
            audit.durability: strict
            audit.directory: "{{audit}}"
            audit.sqlitePath: "{{db}}"
            mcp-router.tools:
              - {name: items, targetHost: "{{api.Urls.First()}}", path: /items, method: GET}
            """);
        var environment = new Dictionary<string, string> { ["SERVER_HTTPPORT"] = "0", ["LIGHT_LOG"] = "warn,LightFabric.Runtime=info" };

        var answered = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using (var gateway = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], environment))
        {
            using var client = new HttpClient { BaseAddress = await gateway.WaitForReadyAsync() };
            var session = await InitializeAsync(client);
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var correlation = $"crash-{worker}-{i}";
                    try
                    {
                        var reply = await PostAsync(client, session, correlation,
                            $$$$"""{"jsonrpc":"2.0","id":{{{{i}}}},"method":"tools/call","params":{"name":"items","arguments":{}}}""");
                        if (reply?["result"] is JsonObject)
                        {
                            answered.Add(correlation);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return; // the gateway is gone
                    }
                }
            })).ToArray();

            // Load until a few hundred calls were answered, then kill the process mid-flight.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (answered.Count < 300 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            gateway.Signal(PosixSignalNumber.SIGKILL);
            Assert.NotEqual(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)));
            stop.Cancel();
            await Task.WhenAll(callers);
        }

        Assert.True(answered.Count >= 100, $"only {answered.Count} calls were answered before the kill");

        // A restart continues the chain (a torn last line is set aside); a clean stop flushes.
        await using (var restarted = GatewayProcess.Start(RepoPaths.Root, ["--dir", dir.Path], environment))
        {
            await restarted.WaitForReadyAsync();
            restarted.Signal(PosixSignalNumber.SIGTERM);
            Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        var recorded = Directory.GetFiles(audit, "*.jsonl")
            .SelectMany(File.ReadLines)
            .Select(line => JsonNode.Parse(line)!["correlationId"]?.GetValue<string>())
            .ToHashSet();
        var missing = answered.Where(c => !recorded.Contains(c)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {answered.Count} answered calls have no record, e.g. {string.Join(", ", missing.Take(5))}");

        var (verifyCode, verifyOut, verifyErr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["audit", "verify", audit]);
        Assert.True(verifyCode == 0, verifyOut + verifyErr);
        var (queryCode, queryOut, queryErr) = await GatewayProcess.RunAsync(RepoPaths.Root, ["audit", "query", "--db", db, "--limit", "100000", "--json"]);
        Assert.True(queryCode == 0, queryErr);
        var inDb = queryOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["correlationId"]?.GetValue<string>()).ToHashSet();
        Assert.All(answered, c => Assert.Contains(c, inDb));
    }

    private static async Task<string> InitializeAsync(HttpClient client)
    {
        using var request = Request(null, "init",
            """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"crash-test","version":"1"}}}""");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var session = response.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(client, session, "init", """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return session;
    }

    private static async Task<JsonNode?> PostAsync(HttpClient client, string session, string correlation, string body)
    {
        using var request = Request(session, correlation, body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? text.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal))?[6..]
            : text;
        return string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json);
    }

    private static HttpRequestMessage Request(string? session, string correlation, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Add("X-Correlation-Id", correlation);
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return request;
    }

    private static async Task<WebApplication> StartApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/items", () => Results.Json(new[] { new { id = 1 }, new { id = 2 } }));
        await app.StartAsync();
        return app;
    }
}
