using LightFabric.Mcp.Server;
using LightFabric.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Mcp.Tests.Server;

/// <summary>A session is idle only while nothing of it runs: the idle clock starts when its last request or stream ends.</summary>
public sealed class SessionIdleTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(15);

    private static async Task<(McpSessionStore Store, McpSession Session, TestClock Clock)> OpenAsync()
    {
        var clock = new TestClock();
        var store = new McpSessionStore(NullLogger.Instance, clock);
        store.Configure(new McpSessionStore.SessionLimits(MaxSessions: 10, MaxSessionsPerClient: 10, IdleTimeout));
        Assert.Equal(SessionCreateResult.Created, store.TryCreate("2025-06-18", null, null, "peer:a", "peer:a", out var session));
        await Task.CompletedTask;
        return (store, session!, clock);
    }

    [Fact]
    public async Task A_long_call_keeps_the_session_and_the_idle_clock_starts_when_it_ends()
    {
        var (store, session, clock) = await OpenAsync();
        await using var owned = store;

        var call = session.BeginRequest("1", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(14));
        clock.Advance(TimeSpan.FromSeconds(2));
        store.PurgeExpired();
        Assert.True(store.TryGet(session.Id, out _), "a session with a call in flight expired");

        session.EndRequest("1", call);
        clock.Advance(TimeSpan.FromSeconds(3));
        store.PurgeExpired();
        Assert.True(store.TryGet(session.Id, out _), "the session expired 3 s after its call ended (idle timeout 15 s)");

        clock.Advance(TimeSpan.FromSeconds(13));
        Assert.False(store.TryGet(session.Id, out _));
    }

    [Fact]
    public async Task Overlapping_calls_keep_the_session_until_the_last_one_ends()
    {
        var (store, session, clock) = await OpenAsync();
        await using var owned = store;

        var first = session.BeginRequest("1", CancellationToken.None);
        var second = session.BeginRequest("2", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(20));
        session.EndRequest("1", first);
        clock.Advance(TimeSpan.FromSeconds(20));
        store.PurgeExpired();
        Assert.True(store.TryGet(session.Id, out _));

        session.EndRequest("2", second);
        clock.Advance(TimeSpan.FromSeconds(16));
        store.PurgeExpired();
        Assert.False(store.TryGet(session.Id, out _));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task An_open_stream_keeps_the_session_and_the_idle_clock_starts_when_it_closes()
    {
        var (store, session, clock) = await OpenAsync();
        await using var owned = store;

        Assert.True(session.TryOpenStream());
        clock.Advance(TimeSpan.FromHours(2));
        Assert.True(store.TryGet(session.Id, out _));

        session.CloseStream();
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.True(store.TryGet(session.Id, out _));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(store.TryGet(session.Id, out _));
    }
}
