using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LightFabric.Mcp.Upstream;
using Microsoft.Extensions.Time.Testing;
using static LightFabric.Mcp.Tests.Peers;

namespace LightFabric.Mcp.Tests;

/// <summary>Health checks on a fake clock against a real server-everything child that is frozen with SIGSTOP.</summary>
public sealed class UpstreamHealthCheckTests
{
    [Fact]
    public async Task A_frozen_stdio_upstream_is_found_by_missed_pings_restarted_and_fails_new_calls_fast_meanwhile()
    {
        using var logging = Logging(out var log);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = EverythingStdioSettings("frozen") with
        {
            HealthCheckInterval = TimeSpan.FromSeconds(30),
            HealthCheckTimeout = TimeSpan.FromSeconds(5),
            HealthCheckMisses = 3,
            RestartDelay = TimeSpan.FromSeconds(2),
            MaxRestartDelay = TimeSpan.FromSeconds(2),
        };
        await using var server = new UpstreamServer(settings, logging, timeProvider: time);
        var waits = Channel.CreateUnbounded<string>();
        server.WaitingOnClock += what => waits.Writer.TryWrite(what);
        server.Start();
        Assert.True(await server.WaitForFirstToolsAsync(TimeSpan.FromSeconds(30), default));
        var pid = server.ProcessId ?? throw new Xunit.Sdk.XunitException("no process id");

        // A live upstream answers its ping and the next interval begins.
        await Expect(waits, "health-interval");
        time.Advance(settings.HealthCheckInterval);
        await Expect(waits, "health-ping");
        await Expect(waits, "health-interval");

        Signal(pid, "STOP");
        try
        {
            var stuck = server.CallToolAsync("echo", new JsonObject { ["message"] = "into the void" }, null, default);
            time.Advance(settings.HealthCheckInterval);
            for (var miss = 1; miss <= settings.HealthCheckMisses; miss++)
            {
                await Expect(waits, "health-ping");
                time.Advance(settings.HealthCheckTimeout);
            }

            // The call in flight ends when the upstream is found frozen, not at its own timeout.
            var inFlight = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => stuck);
            Assert.Contains("health check failed: no answer to 3 pings in a row (each within 5 s)", inFlight.Message);

            await Expect(waits, "restart-delay");
            Assert.Equal(UpstreamStatus.Down, server.State.Status);
            Assert.False(UpstreamServerTests.ProcessExists(pid), $"the frozen child {pid} was not killed");

            // While it is down every new call fails at once, naming the server and why.
            var calls = Enumerable.Range(0, 20)
                .Select(i => server.CallToolAsync("echo", new JsonObject { ["message"] = $"call {i}" }, null, default)).ToArray();
            Assert.All(calls, call => Assert.True(call.IsFaulted));
            var down = await Assert.ThrowsAsync<UpstreamUnavailableException>(() => calls[0]);
            Assert.StartsWith("upstream MCP server 'frozen' is unavailable: it is down: health check failed: no answer to 3 pings", down.Message);
        }
        finally
        {
            if (UpstreamServerTests.ProcessExists(pid))
            {
                Signal(pid, "CONT");
            }
        }

        // The restart delay (with its jitter of up to 10 %) passes on the fake clock; a new child comes up.
        time.Advance(settings.MaxRestartDelay * 1.2);
        await Eventually(() => server.State.Status == UpstreamStatus.Up, "state Up again");
        Assert.NotEqual(pid, server.ProcessId);
        Assert.Equal(1, server.State.Restarts);
        Assert.Equal("Echo: back", Text(await server.CallToolAsync("echo", new JsonObject { ["message"] = "back" }, null, default)));
        Assert.Equal(3, log.Records.Count(r => r.Message.StartsWith("upstream MCP server 'frozen' did not answer ping", StringComparison.Ordinal)));
    }

    private static async Task Expect(Channel<string> waits, string expected)
    {
        // A guard against a hang, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(expected, await waits.Reader.ReadAsync(guard.Token));
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
