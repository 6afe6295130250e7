using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Platform;
using Bazaar.Search;

namespace Bazaar.BackOffice;

// The back office's figures over a period, read through each module's facade: sales and best sellers (Orders),
// carts, holds and low stock (Inventory), the search index's lag (Search).
public sealed class Dashboard(
    OrderReports orders,
    StockList stock,
    Inventory.Inventory inventory,
    Catalog.Catalog catalog,
    SearchIndexer indexer,
    BazaarDb db,
    StoreCurrency currency,
    TimeProvider clock)
{
    public const int TopProducts = 10;
    public const int LowStockShown = 10;
    public static readonly TimeSpan ExpiringWithin = TimeSpan.FromMinutes(5);

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<DashboardFigures> ReadAsync(DashboardPeriod period, bool includeDemo, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var sales = await orders.SalesAsync(period.Start, period.End, includeDemo, ct);
        var byDay = sales.ToLookup(s => DateOnly.FromDateTime(s.PlacedAt.UtcDateTime));
        var days = period.EachDay().Select(d => new DayFigures(d, byDay[d].Count(), byDay[d].Sum(s => s.Total))).ToList();
        var revenue = sales.Sum(s => s.Total);
        var average = sales.Count == 0 ? 0m : decimal.Round(revenue / sales.Count, currency.Decimals, MidpointRounding.AwayFromZero);

        var carts = await stock.ShoppersHoldingBetweenAsync(period.Start, period.End, ct);
        var ordered = sales.Select(s => s.ShopperKey).ToHashSet(StringComparer.Ordinal);
        var cartsOrdered = carts.Count(ordered.Contains);

        var low = await inventory.ListLowStockAsync(LowStockShown, ct);
        var titles = (await catalog.GetProductSummariesAsync(low.Select(l => l.ProductId).Distinct().ToList(), ct)).ToDictionary(p => p.Id, p => p.Title);
        var holds = await stock.HoldsAsync(now, ExpiringWithin, ct);
        var search = await indexer.GetStatusAsync(db, ct);

        return new DashboardFigures(period, currency.Code, includeDemo, days, sales.Count, revenue, average, carts.Count, cartsOrdered,
            carts.Count == 0 ? null : (double)cartsOrdered / carts.Count,
            await orders.TopProductsAsync(period.Start, period.End, includeDemo, TopProducts, ct),
            low.Select(l => new LowStockRow(l.Sku, l.ProductId, titles.GetValueOrDefault(l.ProductId) ?? l.Sku, l.Available, l.LowStockThreshold, l.Label))
                .ToList(),
            await inventory.CountLowStockAsync(ct), holds.Active, holds.Expiring, holds.Units, ExpiringWithin, search.LagSeconds, search.Pending, now);
    }
}
