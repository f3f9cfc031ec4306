using StackExchange.Redis;

namespace LightFabric.Governance.Budgets;

/// <summary>
/// Balances in Redis, shared by every gateway that uses the same server: each reservation and refund is one Lua script,
/// so concurrent charges from several processes never take more than a limit. Keys per subject share a hash tag
/// (<c>{subject}</c>) so a script's keys sit on one cluster slot. Expiry of request keys is judged by this ledger's
/// clock (kept in the value); Redis TTLs only clean up.
/// </summary>
public sealed class RedisBudgetLedger : IBudgetLedger, IAsyncDisposable
{
    // @spent: credits spent in the window; @request: the request key (when @hasRequest is 1); @now and @expires in ms of
    // this ledger's clock; @requestTtl and @windowTtl (0 = none) are cleanup TTLs in ms. Returns {status, remaining}.
    private static readonly LuaScript Reserve = LuaScript.Prepare("""
        local spent = tonumber(redis.call('GET', @spent) or '0')
        local remaining = tonumber(@limit) - spent
        if @hasRequest == '1' then
          local expires = redis.call('GET', @request)
          if expires and tonumber(expires) > tonumber(@now) then return {1, remaining} end
        end
        local cost = tonumber(@cost)
        if remaining < cost then
          if remaining > 0 then return {2, remaining} end
          return {3, 0}
        end
        redis.call('INCRBY', @spent, cost)
        if tonumber(@windowTtl) > 0 then redis.call('PEXPIRE', @spent, @windowTtl) end
        if @hasRequest == '1' then redis.call('SET', @request, @expires, 'PX', @requestTtl) end
        return {0, remaining - cost}
        """);

    private static readonly LuaScript Refund = LuaScript.Prepare("""
        local spent = tonumber(redis.call('GET', @spent) or '0')
        local cost = tonumber(@cost)
        if spent <= cost then redis.call('DEL', @spent) else redis.call('DECRBY', @spent, cost) end
        if @hasRequest == '1' then redis.call('DEL', @request) end
        return 0
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly bool _ownsConnection;

    public RedisBudgetLedger(IConnectionMultiplexer redis, string keyPrefix = "lf:budget:", TimeProvider? time = null, bool ownsConnection = false)
    {
        _redis = redis;
        _prefix = keyPrefix;
        _time = time ?? TimeProvider.System;
        _ownsConnection = ownsConnection;
    }

    /// <summary>
    /// Connects to <paramref name="url"/>. A server that is down now is not an error: the ledger connects when it comes
    /// back, and until then each operation fails fast with <see cref="BudgetLedgerException"/>.
    /// </summary>
    public static async Task<RedisBudgetLedger> ConnectAsync(string url, string keyPrefix = "lf:budget:", TimeProvider? time = null)
    {
        var options = RedisUrl.Parse(url);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        return new RedisBudgetLedger(redis, keyPrefix, time, ownsConnection: true);
    }

    public async ValueTask<BudgetReservation> ReserveAsync(BudgetCharge charge, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = BudgetPeriods.WindowStart(charge.Account.Period, now);
        var hasRequest = charge.RequestKey is not null;
        var result = (RedisResult[]?)await Run(Reserve, new
        {
            spent = SpentKey(charge.Account.Subject, window),
            request = hasRequest ? RequestKey(charge.Account.Subject, charge.RequestKey!) : SpentKey(charge.Account.Subject, window),
            hasRequest = hasRequest ? "1" : "0",
            limit = charge.Account.Limit,
            cost = charge.Cost,
            now = now.ToUnixTimeMilliseconds(),
            expires = (now + IBudgetLedger.ReplayWindow).ToUnixTimeMilliseconds(),
            requestTtl = (long)(IBudgetLedger.ReplayWindow + TimeSpan.FromHours(1)).TotalMilliseconds,
            windowTtl = WindowTtl(charge.Account.Period, window, now),
        }).ConfigureAwait(false);
        var status = (int)result![0] switch
        {
            0 => ReservationStatus.Reserved,
            1 => ReservationStatus.Replayed,
            2 => ReservationStatus.Insufficient,
            _ => ReservationStatus.Exhausted,
        };
        return new BudgetReservation(status, charge, Math.Max(0, (long)result[1]), window);
    }

    public async ValueTask RefundAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        if (reservation.Status != ReservationStatus.Reserved)
        {
            return;
        }

        var charge = reservation.Charge;
        var hasRequest = charge.RequestKey is not null;
        await Run(Refund, new
        {
            spent = SpentKey(charge.Account.Subject, reservation.Window),
            request = hasRequest ? RequestKey(charge.Account.Subject, charge.RequestKey!) : SpentKey(charge.Account.Subject, reservation.Window),
            hasRequest = hasRequest ? "1" : "0",
            cost = charge.Cost,
        }).ConfigureAwait(false);
    }

    public async ValueTask<long> RemainingAsync(BudgetAccount account, CancellationToken cancellationToken)
    {
        var window = BudgetPeriods.WindowStart(account.Period, _time.GetUtcNow());
        try
        {
            var spent = await _redis.GetDatabase().StringGetAsync(SpentKey(account.Subject, window)).ConfigureAwait(false);
            return Math.Max(0, account.Limit - (spent.IsNull ? 0 : (long)spent));
        }
        catch (RedisException ex)
        {
            throw Unavailable(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<RedisResult> Run(LuaScript script, object parameters)
    {
        try
        {
            return await _redis.GetDatabase().ScriptEvaluateAsync(script, parameters).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    private BudgetLedgerException Unavailable(Exception ex) =>
        new($"the Redis budget ledger at {string.Join(", ", _redis.GetEndPoints().Select(e => e.ToString()))} is unavailable: {ex.Message}", ex);

    private RedisKey SpentKey(string subject, DateTimeOffset window) =>
        $"{_prefix}{{{subject}}}:spent:{(window == DateTimeOffset.MinValue ? "total" : window.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    private RedisKey RequestKey(string subject, string requestKey) => $"{_prefix}{{{subject}}}:request:{requestKey}";

    // A period's counter is kept a day past its end, then Redis drops it; a total budget's never expires.
    private static long WindowTtl(BudgetPeriod period, DateTimeOffset window, DateTimeOffset now)
    {
        var end = period switch
        {
            BudgetPeriod.Day => window.AddDays(1),
            BudgetPeriod.Month => window.AddMonths(1),
            _ => (DateTimeOffset?)null,
        };
        return end is { } e ? (long)(e - now + TimeSpan.FromDays(1)).TotalMilliseconds : 0;
    }
}
