using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bazaar.Platform;

// The store's abuse counters (sign-in attempts, registrations, resets, cart adds, new guests, checkouts, searches,
// review writes, card tries): fixed windows that start at a key's first request and last the window. With Redis
// (ConnectionStrings:Redis, the scaled-out shape) every node counts in the same Redis key, one script doing INCR and
// PEXPIRE atomically, so N nodes give an attacker the budget once, not N times. Without Redis (the embedded shape),
// and while Redis cannot be reached, each node counts alone in memory: an attacker then gets at most N times the
// budget, and a shopper never gets a 500 or a wait because Redis is away.
public sealed class RateCounters(IConnectionMultiplexer? redis, TimeProvider clock, ILogger<RateCounters> log)
{
    private const int MaxLocalKeys = 200_000;

    private static readonly LuaScript Incr = LuaScript.Prepare("""
        local n = redis.call('INCR', @key)
        local ttl = redis.call('PTTL', @key)
        if n == 1 or ttl < 0 then
            redis.call('PEXPIRE', @key, @window)
            ttl = tonumber(@window)
        end
        return {n, ttl}
        """);

    private readonly ConcurrentDictionary<string, Window> _local = new(StringComparer.Ordinal);
    private int _redisDown;

    public bool Shared => redis is not null;

    // Counts one request for `key` under `name` (the setting it is limited by, say). Null when the request is within
    // `permits` for the current window, otherwise how long until the window ends.
    public async ValueTask<TimeSpan?> TakeAsync(string name, string key, int permits, TimeSpan window)
    {
        if (redis is not null)
        {
            try
            {
                var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Incr,
                    new { key = (RedisKey)("bazaar:limit:" + name + ":" + key), window = (long)window.TotalMilliseconds }))!;
                if (Interlocked.Exchange(ref _redisDown, 0) == 1)
                    log.LogInformation("Redis answers again: abuse limits are counted across nodes");
                var (count, ttl) = ((long)result[0], (long)result[1]);
                return count <= permits ? null : TimeSpan.FromMilliseconds(Math.Max(ttl, 1));
            }
            catch (Exception e) when (DependencyUnavailable.Classify(e) == DependencyUnavailable.Redis)
            {
                if (Interlocked.Exchange(ref _redisDown, 1) == 0)
                    log.LogWarning("Redis is unreachable ({Message}): abuse limits are counted on this node alone until it "
                        + "returns", e.Message);
            }
        }
        return TakeLocal(name + ":" + key, permits, window);
    }

    private TimeSpan? TakeLocal(string key, int permits, TimeSpan window)
    {
        var now = clock.GetUtcNow();
        if (_local.Count >= MaxLocalKeys) Prune(now);
        var w = _local.GetOrAdd(key, _ => new Window());
        lock (w)
        {
            if (now >= w.Ends)
            {
                w.Ends = now + window;
                w.Count = 0;
            }
            w.Count++;
            return w.Count <= permits ? null : w.Ends - now;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, w) in _local)
            if (now >= w.Ends) _local.TryRemove(key, out _);
    }

    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private sealed class Window
    {
        public DateTimeOffset Ends;
        public int Count;
    }
}
