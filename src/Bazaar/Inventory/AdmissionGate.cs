using System.Collections.Concurrent;
using Bazaar.Platform;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bazaar.Inventory;

// Admission tokens for the gate strategy: one token per unit that may still be held. A buyer without a
// token is told "sold out" without touching the database; a buyer with one still goes through the
// database, which enforces the invariant. Tokens are an optimistic copy of availability: too many only
// costs a database round trip (the token is then dropped), too few is repaired by a refresh from the database.
public interface IAdmissionGate
{
    // null when the gate does not know the SKU yet and must be seeded with the database's availability.
    Task<bool?> TryAdmitAsync(string sku, int quantity);

    Task SeedAsync(string sku, int available);

    Task ReturnAsync(string sku, int quantity);

    Task ForgetAsync(string sku);
}

// One node: an atomic counter per SKU in memory.
public sealed class LocalAdmissionGate : IAdmissionGate
{
    private readonly ConcurrentDictionary<string, StrongBox> _tokens = new(StringComparer.Ordinal);

    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }

    public Task<bool?> TryAdmitAsync(string sku, int quantity)
    {
        if (!_tokens.TryGetValue(sku, out var box)) return Task.FromResult<bool?>(null);
        while (true)
        {
            var current = Volatile.Read(ref box.Value);
            if (current < quantity) return Task.FromResult<bool?>(false);
            if (Interlocked.CompareExchange(ref box.Value, current - quantity, current) == current) return Task.FromResult<bool?>(true);
        }
    }

    public Task SeedAsync(string sku, int available)
    {
        _tokens.TryAdd(sku, new StrongBox(Math.Max(available, 0)));
        return Task.CompletedTask;
    }

    public Task ReturnAsync(string sku, int quantity)
    {
        if (_tokens.TryGetValue(sku, out var box)) Interlocked.Add(ref box.Value, quantity);
        return Task.CompletedTask;
    }

    public Task ForgetAsync(string sku)
    {
        _tokens.TryRemove(sku, out _);
        return Task.CompletedTask;
    }
}

// Many nodes: the counter lives in Redis and a Lua script takes tokens atomically.
//
// Redis is optional, so losing it must not stop a sale: while Redis cannot be reached every buyer is admitted and the
// database alone decides (it never oversells; it only sees the whole crowd), and the SKUs whose tokens were not kept
// up to date are remembered. The first buyer of such a SKU once Redis answers again drops its key, so the tokens are
// seeded afresh from the database's availability, as for a SKU the gate never knew.
public sealed class RedisAdmissionGate(IConnectionMultiplexer redis, InventoryMetrics metrics, ILogger<RedisAdmissionGate> log)
    : IAdmissionGate
{
    private static readonly LuaScript Admit = LuaScript.Prepare("""
        local v = redis.call('GET', @key)
        if not v then return -1 end
        v = tonumber(v)
        local q = tonumber(@quantity)
        if v < q then return 0 end
        redis.call('DECRBY', @key, q)
        return 1
        """);

    private static readonly LuaScript Give = LuaScript.Prepare("""
        if redis.call('EXISTS', @key) == 1 then return redis.call('INCRBY', @key, tonumber(@quantity)) end
        return -1
        """);

    private readonly ConcurrentDictionary<string, bool> _stale = new(StringComparer.Ordinal);

    private static RedisKey Key(string sku) => "bazaar:gate:" + sku;

    public async Task<bool?> TryAdmitAsync(string sku, int quantity)
    {
        try
        {
            if (_stale.ContainsKey(sku))
            {
                await redis.GetDatabase().KeyDeleteAsync(Key(sku));
                if (_stale.TryRemove(sku, out _)) log.LogInformation("Redis is back: the gate's tokens for {Sku} are rebuilt from the database", sku);
                return null;
            }
            var result = (int)await redis.GetDatabase().ScriptEvaluateAsync(Admit, new { key = Key(sku), quantity });
            return result switch { -1 => null, 1 => true, _ => false };
        }
        catch (Exception e) when (IsRedisDown(e))
        {
            FellBack(sku, e);
            return true;
        }
    }

    public Task SeedAsync(string sku, int available) =>
        TryAsync(sku, () => redis.GetDatabase().StringSetAsync(Key(sku), Math.Max(available, 0), when: When.NotExists));

    public Task ReturnAsync(string sku, int quantity) =>
        TryAsync(sku, () => redis.GetDatabase().ScriptEvaluateAsync(Give, new { key = Key(sku), quantity }));

    public Task ForgetAsync(string sku) => TryAsync(sku, () => redis.GetDatabase().KeyDeleteAsync(Key(sku)));

    private async Task TryAsync(string sku, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (IsRedisDown(e))
        {
            FellBack(sku, e);
        }
    }

    private static bool IsRedisDown(Exception e) => DependencyUnavailable.Classify(e) == DependencyUnavailable.Redis;

    private void FellBack(string sku, Exception e)
    {
        metrics.GateFallbacks.Add(1);
        if (_stale.TryAdd(sku, true))
            log.LogWarning("Redis is unreachable ({Message}): the gate for {Sku} lets the database decide until it returns", e.Message, sku);
    }
}
