using System.Text.Json.Nodes;
using LightFabric.Gateway.Security;

namespace LightFabric.Gateway.Tests.Security;

public sealed class VerifiedTokenCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch.AddYears(56);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Tokens_that_expire_below_capacity_do_not_grow_the_cache_or_its_eviction_queue()
    {
        var clock = new ManualClock();
        var cache = new VerifiedTokenCache(8, clock);

        // Callers use each token until it expires, then present a new one: the cache never fills up.
        for (var i = 0; i < 1000; i++)
        {
            var key = VerifiedTokenCache.KeyOf("token-" + i);
            cache.Add(key, new VerifiedToken(new JsonObject { ["sub"] = "u" }, new HashSet<string>(), clock.Now.AddSeconds(1)));
            Assert.NotNull(cache.Get(key));
            clock.Now = clock.Now.AddSeconds(2);
            Assert.Null(cache.Get(key));
        }

        Assert.Equal(0, cache.Count);
        Assert.InRange(cache.QueuedKeys, 0, 16);
    }
}
