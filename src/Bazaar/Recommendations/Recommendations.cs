using Bazaar.Accounts;
using Bazaar.Catalog;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bazaar.Recommendations;

// A row of products on a page, with the reason it is there ("Because you viewed ...").
public sealed record ProductShelf(string Key, string Title, string Reason, IReadOnlyList<ProductSummary> Products);

// The recommendations facade: recently viewed, also bought, trending, top rated and the personal home page.
// Product lists come from the co-purchase counts and order history (cached per node for CacheFor); whether a
// product can be shown is decided at display time from the database's stock, so a sold-out product never appears.
public sealed class Recommendations(
    BazaarDb db,
    Catalog.Catalog catalog,
    Inventory.Inventory inventory,
    OrderHistory orders,
    Reviews.Reviews reviews,
    IRecentlyViewed recentlyViewed,
    IMemoryCache cache,
    RecommendationJobs jobs,
    ReadReplica replica,
    TimeProvider clock,
    IOptions<RecommendationsOptions> options) : IGuestHandOver
{
    public const int ShelfSize = 12;
    private const int NeighboursKept = 50;
    private static readonly RecommenderWeights Weights = new();

    public Task RecordViewAsync(string shopperKey, int productId, CancellationToken ct = default) =>
        recentlyViewed.RecordAsync(shopperKey, productId, clock.GetUtcNow(), ct);

    // Newest first; products since deleted drop out. Sold-out products stay: the shopper looked at them.
    public async Task<IReadOnlyList<ProductSummary>> RecentlyViewedAsync(string shopperKey, CancellationToken ct = default) =>
        await SummariesInOrderAsync(await recentlyViewed.ListAsync(shopperKey, ct), inStockOnly: false, ct);

    // Bounded storage (StoragePurge): a guest's views older than `viewedBefore`, and guests with a single view older
    // than `oneViewBefore` (a visitor without cookies is a new guest on every page, so one row per page view). Accounts'
    // lists are kept; they hold at most IRecentlyViewed.Capacity rows each. Returns the rows deleted, at most `batchSize`
    // per kind.
    public async Task<int> PurgeGuestViewsAsync(DateTimeOffset viewedBefore, DateTimeOffset oneViewBefore, int batchSize, CancellationToken ct = default)
    {
        var old = db.RecentViews.Where(v => v.ShopperKey.StartsWith("g:") && v.ViewedAt < viewedBefore)
            .OrderBy(v => v.ViewedAt).Take(batchSize).Select(v => v.ShopperKey).Distinct();
        var deleted = await db.RecentViews.Where(v => old.Contains(v.ShopperKey) && v.ViewedAt < viewedBefore).ExecuteDeleteAsync(ct);
        var oneView = db.RecentViews.Where(v => v.ShopperKey.StartsWith("g:"))
            .GroupBy(v => v.ShopperKey).Where(g => g.Count() == 1 && g.Max(v => v.ViewedAt) < oneViewBefore)
            .Select(g => g.Key).Take(batchSize);
        return deleted + await db.RecentViews.Where(v => oneView.Contains(v.ShopperKey)).ExecuteDeleteAsync(ct);
    }

    public Task ClearRecentlyViewedAsync(string shopperKey, CancellationToken ct = default) => recentlyViewed.ClearAsync(shopperKey, ct);

    // A guest signed in: what they viewed joins their account's list.
    public Task MergeShopperAsync(string guestKey, string accountKey, CancellationToken ct = default) =>
        recentlyViewed.MergeAsync(guestKey, accountKey, ct);

    Task IGuestHandOver.HandOverAsync(string guestKey, string accountKey, string actor, CancellationToken ct) =>
        MergeShopperAsync(guestKey, accountKey, ct);

    public async Task<IReadOnlyList<Neighbour>> NeighboursAsync(int productId, CancellationToken ct = default) =>
        (await NeighboursAsync([productId], ct)).GetValueOrDefault(productId) ?? [];

    // "Customers who bought this also bought": the product's nearest neighbours that can be bought now.
    public async Task<IReadOnlyList<ProductSummary>> AlsoBoughtAsync(int productId, int take = ShelfSize, CancellationToken ct = default)
    {
        var neighbours = await NeighboursAsync(productId, ct);
        return (await SummariesInOrderAsync(neighbours.Select(n => n.ProductId).Where(id => id != productId).ToList(), inStockOnly: true, ct)).Take(take).ToList();
    }

    // The home page's shelves, each with its reason. A product is on at most one of them, and never on one when the
    // page already shows it elsewhere (`shownElsewhere`: the recently viewed row): the most specific shelf keeps it
    // (because you viewed X, then for you, then trending), so "for you" never repeats "trending now".
    public async Task<IReadOnlyList<ProductShelf>> HomeShelvesAsync(string shopperKey, IReadOnlyCollection<int>? shownElsewhere = null,
        CancellationToken ct = default)
    {
        var baskets = await orders.ListShopperBasketsAsync(shopperKey, 30, ct);
        var views = await recentlyViewed.ListAsync(shopperKey, ct);
        var history = new ShopperHistory(baskets.Select(b => b.ProductIds).ToList(), views);
        var trending = await TrendingAsync(ct);

        var trendingIds = trending.Select(t => t.ProductId).ToList();
        // Claim is the order in which shelves take their products; the list's order is the order they are shown in.
        var plans = new List<(string Key, string Title, string Reason, IReadOnlyList<int> Ids, int Claim)>();
        if (history.IsEmpty)
        {
            plans.Add(("trending", "Trending now", "Ordered most often in the last week", trendingIds, 0));
            plans.Add(("top-rated", "Top rated", "Rated highest by shoppers", (await TopRatedIdsAsync(ct)).ToList(), 1));
        }
        else
        {
            var interest = baskets.SelectMany(b => b.ProductIds).Concat(views).Distinct().ToList();
            var neighbours = await NeighboursAsync(interest, ct);
            // Only what the shopper's own history brings (bought before, bought with what they bought or viewed), in
            // the blend's order; a product that is merely popular is the trending shelf's.
            var bought = baskets.SelectMany(b => b.ProductIds).ToHashSet();
            var related = neighbours.Values.SelectMany(n => n.Select(x => x.ProductId)).ToHashSet();
            var picks = PersonalRecommender.Recommend(history, id => neighbours.GetValueOrDefault(id) ?? [], trending, ShelfSize * 4, Weights)
                .Select(p => p.ProductId).Where(id => bought.Contains(id) || related.Contains(id)).ToList();
            plans.Add(("for-you", "Recommended for you", ForYouReason(picks.Any(bought.Contains)), picks, 1));
            if (views.Count > 0)
            {
                var latest = views[0];
                var title = (await catalog.GetProductSummariesAsync([latest], ct)).FirstOrDefault()?.Title;
                if (title is not null)
                    plans.Add(("because-viewed", $"Because you viewed {title}", "Often bought together with it",
                        (neighbours.GetValueOrDefault(latest) ?? []).Select(n => n.ProductId).Where(id => id != latest).ToList(), 0));
            }
            plans.Add(("trending", "Trending now", "Ordered most often in the last week", trendingIds, 2));
        }

        // One read of products and one of stock for every shelf together.
        var ids = plans.SelectMany(p => p.Ids.Take(ShelfSize * 4)).Distinct().ToList();
        var products = (await catalog.GetProductSummariesAsync(ids, ct)).ToDictionary(p => p.Id);
        var stock = await inventory.GetStockForProductsAsync(ids, ct);
        var taken = new HashSet<int>(shownElsewhere ?? []);
        var filled = new Dictionary<string, List<ProductSummary>>();
        foreach (var plan in plans.OrderBy(p => p.Claim))
        {
            filled[plan.Key] = plan.Ids.Where(id => products.ContainsKey(id) && Buyable(stock, id) && !taken.Contains(id))
                .Distinct().Take(ShelfSize).Select(id => products[id]).ToList();
            taken.UnionWith(filled[plan.Key].Select(p => p.Id));
        }
        return plans
            .Select(p => new ProductShelf(p.Key, p.Title, p.Reason, filled[p.Key]))
            .Where(s => s.Products.Count > 0)
            .ToList();
    }

    private static string ForYouReason(bool buysAgain) => buysAgain
        ? "What you buy again, and what is bought with what you bought and viewed"
        : "Bought by others with what you viewed";

    // Products by orders in the trending window, best first (all time when the window is empty).
    public async Task<IReadOnlyList<Popular>> TrendingAsync(CancellationToken ct = default) =>
        await cache.GetOrCreateAsync("recommendations:trending", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheTime;
            var recent = await orders.BestSellersAsync(clock.GetUtcNow() - options.Value.TrendingWindow, 100, ct);
            if (recent.Count == 0) recent = await orders.BestSellersAsync(DateTimeOffset.UnixEpoch, 100, ct);
            return (IReadOnlyList<Popular>)recent.Select(r => new Popular(r.ProductId, r.Orders)).ToList();
        }) ?? [];

    private async Task<IReadOnlyList<int>> TopRatedIdsAsync(CancellationToken ct) =>
        await cache.GetOrCreateAsync("recommendations:top-rated", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheTime;
            return (IReadOnlyList<int>)(await reviews.TopRatedAsync(100, ct: ct)).Select(r => r.ProductId).ToList();
        }) ?? [];

    // Neighbours of many products: cached ones from memory, the rest in one query.
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<Neighbour>>> NeighboursAsync(IReadOnlyCollection<int> productIds, CancellationToken ct = default)
    {
        var found = new Dictionary<int, IReadOnlyList<Neighbour>>();
        var missing = new List<int>();
        foreach (var id in productIds.Distinct())
        {
            if (cache.TryGetValue(NeighbourKey(id), out IReadOnlyList<Neighbour>? hit) && hit is not null) found[id] = hit;
            else missing.Add(id);
        }
        if (missing.Count == 0) return found;

        // Co-purchase counts may lag (they are rebuilt in the background anyway): the replica may answer.
        var (baskets, rows) = await replica.ReadAsync(db, Freshness.MayLag, async source =>
        {
            var items = await source.CoPurchaseItems.AsNoTracking().Where(i => missing.Contains(i.ProductId))
                .ToDictionaryAsync(i => i.ProductId, i => i.Baskets, ct);
            var found = await source.CoPurchasePairs.AsNoTracking()
                .Where(p => missing.Contains(p.ProductId) && p.Baskets >= CoPurchaseCounts.MinTogether)
                .Join(source.CoPurchaseItems, p => p.OtherId, i => i.ProductId, (p, i) => new { p.ProductId, p.OtherId, p.Baskets, Other = i.Baskets })
                .ToListAsync(ct);
            return (items, found);
        }, ct);
        var pairs = rows.ToLookup(p => p.ProductId);
        foreach (var id in missing)
        {
            var ranked = CoPurchaseCounts.Rank(baskets.GetValueOrDefault(id), pairs[id].Select(p => (p.OtherId, p.Baskets, p.Other)), NeighboursKept);
            cache.Set(NeighbourKey(id), ranked, CacheTime);
            found[id] = ranked;
        }
        return found;
    }

    private TimeSpan CacheTime => options.Value.CacheFor > TimeSpan.Zero ? options.Value.CacheFor : TimeSpan.FromTicks(1);

    private string NeighbourKey(int productId) => $"recommendations:neighbours:{jobs.Generation}:{productId}";

    private static bool Buyable(IReadOnlyDictionary<int, StockLevel> stock, int productId) =>
        stock.TryGetValue(productId, out var level) && level.State != StockState.OutOfStock;

    private async Task<IReadOnlyList<ProductSummary>> SummariesInOrderAsync(IReadOnlyList<int> ids, bool inStockOnly, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var products = (await catalog.GetProductSummariesAsync(ids, ct)).ToDictionary(p => p.Id);
        var stock = inStockOnly ? await inventory.GetStockForProductsAsync(ids, ct) : null;
        return ids.Where(id => products.ContainsKey(id) && (stock is null || Buyable(stock, id))).Select(id => products[id]).ToList();
    }
}
