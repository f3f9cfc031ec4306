using LightFabric.Mcp.Server;
using LightFabric.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LightFabric.Mcp.Tests.Server;

public sealed class McpSessionStoreTests
{
    private const string Version = "2025-06-18";

    [Fact]
    public async Task Expired_sessions_free_their_place_at_once_and_close_after_the_create_lock_is_released()
    {
        var clock = new TestClock();
        await using var store = new McpSessionStore(NullLogger.Instance, clock);
        store.Configure(new McpSessionStore.SessionLimits(MaxSessions: 1, MaxSessionsPerClient: 10, IdleTimeout: TimeSpan.FromMilliseconds(300)));
        Assert.Equal(SessionCreateResult.Created, store.TryCreate(Version, null, null, "a", "a", out var expired));

        // While the expired session closes, another initialize (another thread) must be able to take the lock.
        var otherInitializeDuringClose = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        expired!.Closed.Register(() => otherInitializeDuringClose.TrySetResult(
            Task.Run(() => store.TryCreate(Version, null, null, "c", "c", out _)).Wait(TimeSpan.FromSeconds(2))));
        clock.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(SessionCreateResult.Created, store.TryCreate(Version, null, null, "b", "b", out var fresh));
        store.Configure(new McpSessionStore.SessionLimits(MaxSessions: 1, MaxSessionsPerClient: 10, IdleTimeout: TimeSpan.FromHours(1)));
        Assert.True(await otherInitializeDuringClose.Task.WaitAsync(TimeSpan.FromSeconds(10)), "initialize waited for an expired session to close");
        Assert.True(expired.IsClosed);
        Assert.False(store.TryGet(expired.Id, out _));
        Assert.True(store.TryGet(fresh!.Id, out _));
        Assert.Equal(1, store.Count);
    }
}
