using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

// Gives units that just became available (received, counted, returned, released) to the SKU's open, paid back-orders,
// oldest first, before any shopper can hold them. Lock rule: whatever writes a SKU's back-orders (placing, allocating,
// cancelling) first locks that SKU's stock row, so a receipt and a back-ordering checkout can never both miss each
// other, and two receipts can never give the same owed unit twice.
internal static class BackorderAllocation
{
    // Locks the stock row and reads it. PostgreSQL: FOR UPDATE. SQLite: the transaction already holds the one writer lock.
    public static async Task<StockItem?> LockStockAsync(BazaarDb db, string sku, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? await db.StockItems.FromSql($"SELECT * FROM stock_items WHERE sku = {sku} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(ct)
            : await db.StockItems.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == sku, ct);

    // In the caller's transaction, after it has written (so locked) the SKU's stock row. Each allocation is committed to
    // its order exactly as a placed hold is: a committed reservation naming the order, a Committed ledger entry and
    // on_hand -= q. Returns the units allocated.
    // Only paid back-orders claim units (Backorder.PaidAt); an unpaid one waits, and the units stay on sale.
    public static async Task<int> AllocateAsync(BazaarDb db, string sku, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.Backorders.AsNoTracking().Where(b => b.Sku == sku && b.Status == BackorderStatus.Open && b.PaidAt != null)
            .OrderBy(b => b.Id).ToListAsync(ct);
        if (open.Count == 0) return 0;
        var available = await db.StockItems.Where(s => s.Sku == sku).Select(s => s.OnHand - s.Reserved).FirstAsync(ct);
        var total = 0;
        foreach (var b in open)
        {
            if (available <= 0) break;
            var take = Math.Min(available, b.Quantity - b.Allocated);
            var full = b.Allocated + take == b.Quantity;
            var moved = await db.Backorders.Where(x => x.Id == b.Id && x.Status == BackorderStatus.Open && x.Allocated == b.Allocated)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Allocated, x => x.Allocated + take)
                    .SetProperty(x => x.Status, full ? BackorderStatus.Allocated : BackorderStatus.Open)
                    .SetProperty(x => x.EndedAt, full ? now : (DateTimeOffset?)null), ct);
            if (moved == 0) throw new InvalidOperationException($"Back-order {b.Id} changed while its stock row was locked.");
            var sold = Reservation.Begin(ReservationMove.Allocate, sku, b.ShopperKey, take, now, now);
            sold.OrderId = b.OrderId;
            db.Reservations.Add(sold);
            db.StockMovements.Add(new StockMovement
            {
                Sku = sku, Kind = MovementKind.Committed, OnHandDelta = -take, Reservation = sold, Actor = actor,
                Reason = $"order {b.OrderId}: {take} back-ordered unit(s) allocated ({reason})", At = now,
            });
            available -= take;
            total += take;
        }
        if (total == 0) return 0;
        await db.SaveChangesAsync(ct);
        await db.StockItems.Where(s => s.Sku == sku)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.OnHand, s => s.OnHand - total).SetProperty(s => s.UpdatedAt, now), ct);
        return total;
    }
}
