using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

public sealed record EndedHold(long ReservationId, string Sku, int Quantity, ReservationStatus Outcome, DateTimeOffset ExpiresAt);

// Ends holds exactly once. The conditional UPDATE on status is the arbiter: of two sweepers, or a sweeper
// and a shopper, only one sees the row still active and only that one gives the units back. Its WHERE and SET are the
// table's row for the move (ReservationTransitions), so a set-based ending follows the same table as a loaded row.
internal static class HoldEnding
{
    public static async Task<IReadOnlyList<EndedHold>> EndAsync(
        BazaarDb db, IReadOnlyList<long> reservationIds, ReservationMove move, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var row = ReservationTransitions.Table.SingleOrDefault(t => t.Move == move && t.From is not null)
            ?? throw new InvalidReservationMove(0, null, move);
        var (from, outcome) = (row.From!.Value, row.To);
        if (reservationIds.Count == 0) return [];
        var candidates = await db.Reservations.AsNoTracking()
            .Where(r => reservationIds.Contains(r.Id) && r.Status == from)
            .Select(r => new { r.Id, r.Sku, r.Quantity, r.ExpiresAt })
            .ToListAsync(ct);
        var ended = new List<EndedHold>(candidates.Count);
        foreach (var r in candidates)
        {
            var flipped = await db.Reservations
                .Where(x => x.Id == r.Id && x.Status == from)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, outcome).SetProperty(x => x.EndedAt, now), ct);
            if (flipped == 1) ended.Add(new EndedHold(r.Id, r.Sku, r.Quantity, outcome, r.ExpiresAt));
        }
        await ApplyToStockAsync(db, ended, actor, reason, now, ct);
        return ended;
    }

    // Gives back (or, for committed holds, sells) the units of holds that have just been flipped.
    public static async Task ApplyToStockAsync(BazaarDb db, IReadOnlyList<EndedHold> ended, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var group in ended.GroupBy(e => e.Sku).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var quantity = group.Sum(e => e.Quantity);
            var sold = group.Where(e => e.Outcome == ReservationStatus.Committed).Sum(e => e.Quantity);
            await db.StockItems.Where(s => s.Sku == group.Key)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Reserved, s => s.Reserved - quantity)
                    .SetProperty(s => s.OnHand, s => s.OnHand - sold)
                    .SetProperty(s => s.UpdatedAt, now), ct);
        }
        db.StockMovements.AddRange(ended.Select(e => new StockMovement
        {
            Sku = e.Sku,
            Kind = e.Outcome switch
            {
                ReservationStatus.Committed => MovementKind.Committed,
                ReservationStatus.Expired => MovementKind.Expired,
                _ => MovementKind.Released,
            },
            OnHandDelta = e.Outcome == ReservationStatus.Committed ? -e.Quantity : 0,
            ReservedDelta = -e.Quantity,
            ReservationId = e.ReservationId,
            Actor = actor,
            Reason = reason,
            At = now,
        }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        // Units given back go to waiting back-orders first (the stock rows are locked by the UPDATEs above).
        foreach (var sku in ended.Where(e => e.Outcome != ReservationStatus.Committed).Select(e => e.Sku).Distinct().Order(StringComparer.Ordinal))
            await BackorderAllocation.AllocateAsync(db, sku, actor, reason, now, ct);
        db.ChangeTracker.Clear();
    }
}
