using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Inventory;

// Checks the inventory invariants of DESIGN.md on a live database. Each query states one rule.
public sealed class InventoryAudit(BazaarDb db, TimeProvider clock, IOptions<InventoryOptions> options)
{
    // A hold may outlive its expiry by the sweeper's cadence; beyond this it is stranded.
    public TimeSpan StrandedAfter => options.Value.SweepInterval * 3 + TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<Violation>> RunAsync(CancellationToken ct = default)
    {
        var violations = new List<Violation>();

        var outOfRange = await db.StockItems.AsNoTracking()
            .Where(s => s.Reserved < 0 || s.Reserved > s.OnHand)
            .Select(s => new { s.Sku, s.OnHand, s.Reserved }).ToListAsync(ct);
        violations.AddRange(outOfRange.Select(s => new Violation("0 <= reserved <= on_hand", s.Sku, $"on_hand {s.OnHand}, reserved {s.Reserved}")));

        var activeBySku = await db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Active)
            .GroupBy(r => r.Sku).Select(g => new { Sku = g.Key, Quantity = g.Sum(r => r.Quantity) })
            .ToDictionaryAsync(x => x.Sku, x => x.Quantity, ct);
        var reserved = await db.StockItems.AsNoTracking().Where(s => s.Reserved != 0 || activeBySku.Keys.Contains(s.Sku))
            .Select(s => new { s.Sku, s.Reserved }).ToListAsync(ct);
        foreach (var s in reserved)
        {
            var held = activeBySku.GetValueOrDefault(s.Sku);
            if (held != s.Reserved)
                violations.Add(new Violation("reserved = sum of active reservations", s.Sku, $"reserved {s.Reserved}, active reservations hold {held}"));
        }

        var ledger = await db.StockMovements.AsNoTracking().GroupBy(m => m.Sku).Select(g => new
        {
            Sku = g.Key,
            OnHand = g.Sum(m => m.OnHandDelta),
            Reserved = g.Sum(m => m.ReservedDelta),
            Sold = -g.Where(m => m.Kind == MovementKind.Committed).Sum(m => m.OnHandDelta),
            Received = g.Where(m => m.Kind == MovementKind.Received || m.Kind == MovementKind.Returned || (m.Kind == MovementKind.Adjusted && m.OnHandDelta > 0)).Sum(m => m.OnHandDelta),
        }).ToDictionaryAsync(x => x.Sku, ct);
        var stock = await db.StockItems.AsNoTracking().Where(s => s.OnHand != 0 || s.Reserved != 0 || ledger.Keys.Contains(s.Sku))
            .Select(s => new { s.Sku, s.OnHand, s.Reserved }).ToListAsync(ct);
        foreach (var s in stock)
        {
            if (!ledger.TryGetValue(s.Sku, out var l))
            {
                violations.Add(new Violation("every movement is in the ledger", s.Sku, $"on_hand {s.OnHand}, reserved {s.Reserved} but no ledger entries"));
                continue;
            }
            if (l.OnHand != s.OnHand) violations.Add(new Violation("on_hand = sum of ledger", s.Sku, $"on_hand {s.OnHand}, ledger says {l.OnHand}"));
            if (l.Reserved != s.Reserved) violations.Add(new Violation("reserved = sum of ledger", s.Sku, $"reserved {s.Reserved}, ledger says {l.Reserved}"));
            if (l.Sold > l.Received) violations.Add(new Violation("units sold never exceed units received", s.Sku, $"sold {l.Sold}, received {l.Received}"));
        }

        var badEndings = await db.Reservations.AsNoTracking()
            .Where(r => (r.Status == ReservationStatus.Active) != (r.EndedAt == null))
            .Select(r => new { r.Id, r.Status }).Take(100).ToListAsync(ct);
        violations.AddRange(badEndings.Select(r => new Violation("a reservation ends exactly once", $"reservation {r.Id}", $"status {r.Status} disagrees with its end time")));

        var endedTwice = await db.StockMovements.AsNoTracking()
            .Where(m => m.ReservationId != null && (m.Kind == MovementKind.Expired || m.Kind == MovementKind.Committed))
            .GroupBy(m => m.ReservationId).Where(g => g.Count() > 1).Select(g => g.Key).Take(100).ToListAsync(ct);
        violations.AddRange(endedTwice.Select(id => new Violation("a reservation ends exactly once", $"reservation {id}", "ended more than once in the ledger")));

        var orphanSales = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Committed && r.OrderId == null)
            .Select(r => new { r.Id, r.Sku }).Take(100).ToListAsync(ct);
        violations.AddRange(orphanSales.Select(r => new Violation("committed stock belongs to an order", $"reservation {r.Id} ({r.Sku})", "committed but names no order")));

        var badBackorders = await db.Backorders.AsNoTracking()
            .Where(b => (b.Status == BackorderStatus.Open) != (b.EndedAt == null) || (b.Status == BackorderStatus.Allocated) != (b.Allocated == b.Quantity))
            .Select(b => new { b.Id, b.OrderId, b.Sku, b.Status, b.Allocated, b.Quantity }).Take(100).ToListAsync(ct);
        violations.AddRange(badBackorders.Select(b => new Violation("a back-order ends exactly once", $"back-order {b.Id} (order {b.OrderId}, {b.Sku})",
            $"status {b.Status}, {b.Allocated} of {b.Quantity} allocated, disagrees with its end")));

        var strandedBefore = clock.GetUtcNow() - StrandedAfter;
        var stranded = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt < strandedBefore)
            .Select(r => new { r.Id, r.Sku, r.ExpiresAt }).Take(100).ToListAsync(ct);
        violations.AddRange(stranded.Select(r => new Violation("no reservation is stranded", $"reservation {r.Id} ({r.Sku})", $"expired at {r.ExpiresAt:O} and was never released")));

        return violations;
    }

    public async Task<IReadOnlyList<(long Id, string ShopperKey, string Sku)>> ListActiveHoldsAsync(CancellationToken ct = default) =>
        (await db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Active)
            .Select(r => new { r.Id, r.ShopperKey, r.Sku }).ToListAsync(ct))
        .Select(r => (r.Id, r.ShopperKey, r.Sku)).ToList();
}
