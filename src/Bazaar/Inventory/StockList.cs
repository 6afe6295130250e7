using System.Linq.Expressions;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Inventory;

// Text matches a SKU; ProductIds (the products whose title matched, from Catalog) widen it.
public sealed record StockListFilter(string? Text = null, StockState? State = null, IReadOnlyCollection<int>? ProductIds = null);

// The back office's stock list and the stock-state filter of its product list: every SKU, a page at a time.
public sealed class StockList(BazaarDb db, IOptions<InventoryOptions> options)
{
    public static readonly ListShape Shape = new(["sku", "available", "on-hand", "reserved", "threshold"], "available", DefaultPageSize: 50);

    public static readonly IReadOnlyDictionary<string, StockState> StateNames = new Dictionary<string, StockState>(StringComparer.OrdinalIgnoreCase)
    {
        ["in-stock"] = StockState.InStock,
        ["low"] = StockState.Low,
        ["out-of-stock"] = StockState.OutOfStock,
        ["backorder"] = StockState.Backorder,
    };

    public static string NameOf(StockState state) => StateNames.First(s => s.Value == state).Key;

    // The same rule as StockLevel.State, written for the database.
    private static Expression<Func<StockItem, bool>> InState(StockState state) => state switch
    {
        StockState.InStock => s => s.OnHand - s.Reserved > s.LowStockThreshold,
        StockState.Low => s => s.OnHand - s.Reserved > 0 && s.OnHand - s.Reserved <= s.LowStockThreshold,
        StockState.Backorder => s => s.OnHand - s.Reserved <= 0 && s.OnHand - s.Reserved <= s.LowStockThreshold && s.Backorderable,
        _ => s => s.OnHand - s.Reserved <= 0 && s.OnHand - s.Reserved <= s.LowStockThreshold && !s.Backorderable,
    };

    public async Task<ListPage<StockLevel>> SearchAsync(StockListFilter filter, ListQuery list, CancellationToken ct = default)
    {
        var items = db.StockItems.AsNoTracking();
        if (filter.State is { } state) items = items.Where(InState(state));
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim().ToLowerInvariant();
            var ids = (filter.ProductIds ?? []).ToArray();
            items = items.Where(s => s.Sku.ToLower().Contains(text) || EF.Parameter(ids).Contains(s.ProductId));
        }
        var total = await items.CountAsync(ct);
        items = (list.Sort, list.Descending) switch
        {
            ("sku", false) => items.OrderBy(s => s.Sku),
            ("sku", true) => items.OrderByDescending(s => s.Sku),
            ("on-hand", false) => items.OrderBy(s => s.OnHand).ThenBy(s => s.Sku),
            ("on-hand", true) => items.OrderByDescending(s => s.OnHand).ThenBy(s => s.Sku),
            ("reserved", false) => items.OrderBy(s => s.Reserved).ThenBy(s => s.Sku),
            ("reserved", true) => items.OrderByDescending(s => s.Reserved).ThenBy(s => s.Sku),
            ("threshold", false) => items.OrderBy(s => s.LowStockThreshold).ThenBy(s => s.Sku),
            ("threshold", true) => items.OrderByDescending(s => s.LowStockThreshold).ThenBy(s => s.Sku),
            (_, false) => items.OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku),
            _ => items.OrderByDescending(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku),
        };
        var fallback = options.Value.DefaultStrategy;
        var page = await items.Skip(list.Skip).Take(list.PageSize)
            .Select(s => new StockLevel(s.Sku, s.ProductId, s.OnHand, s.Reserved, s.Backorderable, s.LowStockThreshold, s.Strategy ?? fallback,
                s.PurchaseLimit))
            .ToListAsync(ct);
        return new ListPage<StockLevel>(page, total, list.Page, list.PageSize, list.SortText);
    }

    public async Task<IReadOnlyList<int>> ProductIdsInStateAsync(StockState state, CancellationToken ct = default) =>
        await db.StockItems.AsNoTracking().Where(InState(state)).Select(s => s.ProductId).Distinct().ToListAsync(ct);

    // Holds that are active now, and those of them that run out within `within` (the dashboard).
    public async Task<(int Active, int Expiring, int Units)> HoldsAsync(DateTimeOffset now, TimeSpan within, CancellationToken ct = default)
    {
        var soon = now + within;
        var active = db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt > now);
        return (await active.CountAsync(ct), await active.CountAsync(r => r.ExpiresAt <= soon, ct), await active.SumAsync(r => r.Quantity, ct));
    }

    // Shoppers who took a hold (put something in a cart) in [from, to): the carts of the conversion rate. Ended holds
    // are purged after Purge:EndedHoldsAfter, so older periods count only the carts that became orders.
    public async Task<IReadOnlyList<string>> ShoppersHoldingBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        await db.Reservations.AsNoTracking().Where(r => r.CreatedAt >= from && r.CreatedAt < to).Select(r => r.ShopperKey).Distinct().ToListAsync(ct);
}
