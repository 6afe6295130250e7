using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Bazaar.Recommendations;

// The last products a shopper looked at, newest first, at most Capacity. In Redis when the store has it (a sorted
// set per shopper scored by time), otherwise in the database (recent_views).
public interface IRecentlyViewed
{
    public const int Capacity = 20;

    Task RecordAsync(string shopperKey, int productId, DateTimeOffset at, CancellationToken ct = default);

    Task<IReadOnlyList<int>> ListAsync(string shopperKey, CancellationToken ct = default);

    Task ClearAsync(string shopperKey, CancellationToken ct = default);

    // A guest signs in: their views join the account's, the newest Capacity kept.
    Task MergeAsync(string fromShopperKey, string toShopperKey, CancellationToken ct = default);
}

public sealed class DatabaseRecentlyViewed(BazaarDb db) : IRecentlyViewed
{
    public async Task RecordAsync(string shopperKey, int productId, DateTimeOffset at, CancellationToken ct = default)
    {
        await UpsertAsync(shopperKey, productId, at, ct);
        await TrimAsync(shopperKey, ct);
    }

    public async Task<IReadOnlyList<int>> ListAsync(string shopperKey, CancellationToken ct = default) =>
        await db.RecentViews.AsNoTracking().Where(v => v.ShopperKey == shopperKey)
            .OrderByDescending(v => v.ViewedAt).ThenByDescending(v => v.ProductId).Take(IRecentlyViewed.Capacity)
            .Select(v => v.ProductId).ToListAsync(ct);

    public Task ClearAsync(string shopperKey, CancellationToken ct = default) =>
        db.RecentViews.Where(v => v.ShopperKey == shopperKey).ExecuteDeleteAsync(ct);

    public async Task MergeAsync(string fromShopperKey, string toShopperKey, CancellationToken ct = default)
    {
        if (fromShopperKey == toShopperKey) return;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var views = await db.RecentViews.AsNoTracking().Where(v => v.ShopperKey == fromShopperKey).ToListAsync(ct);
        foreach (var v in views) await UpsertAsync(toShopperKey, v.ProductId, v.ViewedAt, ct);
        await db.RecentViews.Where(v => v.ShopperKey == fromShopperKey).ExecuteDeleteAsync(ct);
        await TrimAsync(toShopperKey, ct);
        await tx.CommitAsync(ct);
    }

    // One statement on both databases; a later view moves the product to the front, an older one never moves it back.
    private Task UpsertAsync(string shopperKey, int productId, DateTimeOffset at, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO recent_views (shopper_key, product_id, viewed_at) VALUES ({shopperKey}, {productId}, {db.Instant(at)})
            ON CONFLICT (shopper_key, product_id) DO UPDATE SET viewed_at = excluded.viewed_at WHERE excluded.viewed_at > recent_views.viewed_at
            """, ct);

    private async Task TrimAsync(string shopperKey, CancellationToken ct)
    {
        var keep = db.RecentViews.Where(v => v.ShopperKey == shopperKey)
            .OrderByDescending(v => v.ViewedAt).ThenByDescending(v => v.ProductId).Take(IRecentlyViewed.Capacity).Select(v => v.ProductId);
        await db.RecentViews.Where(v => v.ShopperKey == shopperKey && !keep.Contains(v.ProductId)).ExecuteDeleteAsync(ct);
    }
}

public sealed class RedisRecentlyViewed(IConnectionMultiplexer redis) : IRecentlyViewed
{
    // Long enough to greet a returning shopper, short enough that abandoned guests' lists go away by themselves.
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(90);

    private static RedisKey Key(string shopperKey) => "bazaar:recently-viewed:" + shopperKey;

    public async Task RecordAsync(string shopperKey, int productId, DateTimeOffset at, CancellationToken ct = default)
    {
        var key = Key(shopperKey);
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.SortedSetAddAsync(key, productId, at.UtcTicks, SortedSetWhen.Always);
        _ = batch.SortedSetRemoveRangeByRankAsync(key, 0, -IRecentlyViewed.Capacity - 1);
        _ = batch.KeyExpireAsync(key, KeepFor);
        await batch.ExecuteAsync();
    }

    public async Task<IReadOnlyList<int>> ListAsync(string shopperKey, CancellationToken ct = default) =>
        (await redis.GetDatabase().SortedSetRangeByRankAsync(Key(shopperKey), 0, IRecentlyViewed.Capacity - 1, Order.Descending))
            .Select(v => (int)v).ToList();

    public Task ClearAsync(string shopperKey, CancellationToken ct = default) => redis.GetDatabase().KeyDeleteAsync(Key(shopperKey));

    public async Task MergeAsync(string fromShopperKey, string toShopperKey, CancellationToken ct = default)
    {
        if (fromShopperKey == toShopperKey) return;
        var (from, to) = (Key(fromShopperKey), Key(toShopperKey));
        var batch = redis.GetDatabase().CreateTransaction();
        _ = batch.SortedSetCombineAndStoreAsync(SetOperation.Union, to, [to, from], null, Aggregate.Max);
        _ = batch.SortedSetRemoveRangeByRankAsync(to, 0, -IRecentlyViewed.Capacity - 1);
        _ = batch.KeyExpireAsync(to, KeepFor);
        _ = batch.KeyDeleteAsync(from);
        await batch.ExecuteAsync();
    }
}
