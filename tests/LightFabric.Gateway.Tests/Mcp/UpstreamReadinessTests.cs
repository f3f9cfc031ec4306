using System.Net;
using System.Text;
using System.Text.Json;
using LightFabric.Config;
using LightFabric.Gateway.Hosting;
using LightFabric.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LightFabric.Gateway.Tests.Mcp;

/// <summary>Startup with upstream MCP servers that cannot start: listeners open at once, readiness says why it waits.</summary>
public sealed class UpstreamReadinessTests
{
    private const string MissingCommand = "no-such-command-for-light-gateway-tests";

    [Fact]
    public async Task A_required_upstream_that_cannot_start_holds_readiness_until_its_startup_wait_runs_out_while_health_answers()
    {
        using var dir = new TempDirectory();
        dir.WriteConfig("values.yml", "server.httpPort: 0\n" + McpGatewayConfig.With($$"""
            mcp-router.upstreamStartupWaitMs: 60000
            mcp-router.servers:
              - {name: broken, transport: stdio, command: [{{MissingCommand}}]}
              - {name: optional, transport: stdio, command: [{{MissingCommand}}-2], required: false}
            """));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = GatewayRuntime.DefaultOptions(dir.Path, new DictionaryEnvironment(new Dictionary<string, string>())) with
        {
            IpOverride = "127.0.0.1",
            AllowRemoteBootstrap = false,
            TimeProvider = time,
        };
        await using var runtime = GatewayRuntime.Create(options);
        var start = runtime.StartAsync();
        await runtime.Listening;
        using var client = new HttpClient { BaseAddress = new Uri(runtime.Addresses[0]) };

        Assert.Equal("ok", await client.GetStringAsync("/health"));

        // The supervisor runs the command at once; wait until readiness reports that it failed.
        var (status, body) = await ReadinessWhenAsync(client, b => Upstream(b, "broken") is { } u
            && u.GetProperty("state").GetString() == "down" && u.TryGetProperty("startupWaitEndsAt", out _));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("starting", body.GetProperty("status").GetString());
        var broken = Upstream(body, "broken")!.Value;
        Assert.True(broken.GetProperty("required").GetBoolean());
        Assert.Contains(MissingCommand, broken.GetProperty("lastError").GetString());
        var optional = Upstream(body, "optional")!.Value;
        Assert.False(optional.GetProperty("required").GetBoolean());
        Assert.False(optional.TryGetProperty("startupWaitEndsAt", out _));

        // Other requests are refused with a retry hint until the model is active.
        using var initialize = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", Encoding.UTF8, "application/json");
        var mcp = await client.PostAsync("/mcp", initialize);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, mcp.StatusCode);
        Assert.NotNull(mcp.Headers.RetryAfter);
        Assert.False(start.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(60));
        await start;

        var after = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var afterBody = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", afterBody.GetProperty("status").GetString());
        var stillDown = Upstream(afterBody, "broken")!.Value;
        Assert.Equal("down", stillDown.GetProperty("state").GetString());
        Assert.Contains(MissingCommand, stillDown.GetProperty("lastError").GetString());
        Assert.False(stillDown.TryGetProperty("startupWaitEndsAt", out _));
    }

    [Fact]
    public async Task Upstreams_that_are_not_required_do_not_hold_startup()
    {
        using var dir = new TempDirectory();
        var (runtime, client) = await GatewayTestHost.StartAsync(dir, McpGatewayConfig.With($$"""
            mcp-router.upstreamStartupWaitMs: 600000
            mcp-router.servers:
              - {name: optional, transport: stdio, command: [{{MissingCommand}}], required: false}
            """));
        await using var _ = runtime;

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.False(Upstream(body, "optional")!.Value.GetProperty("required").GetBoolean());
    }

    private static JsonElement? Upstream(JsonElement body, string name) =>
        body.GetProperty("upstreams").EnumerateArray().Where(u => u.GetProperty("name").GetString() == name).Cast<JsonElement?>().FirstOrDefault();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadinessWhenAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (condition(body))
            {
                return (response.StatusCode, body);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"readiness never matched; last answer: {body}");
            }

            await Task.Delay(50);
        }
    }
}
