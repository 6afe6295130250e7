using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

// Writes holds: the reservation row, its ledger entry and the stock counter, in the caller's transaction.
// Every change to `reserved` goes with a change to an active reservation in the same transaction, so
// `reserved` always equals the sum of active reservations.
internal static class HoldWriter
{
    public static DateTimeOffset ExpiryFor(DateTimeOffset createdAt, DateTimeOffset now, InventoryOptions options)
    {
        var extended = now + options.ReservationTtl;
        var cap = createdAt + options.MaxHold;
        return extended < cap ? extended : cap;
    }

    // The row-lock strategy: one hold, with the stock row touched last by a single conditional UPDATE, so the
    // row lock is held only for that statement and the commit.
    public static async Task<HoldAttempt> ReserveOneAsync(BazaarDb db, HoldRequest request, DateTimeOffset now, InventoryOptions options, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // First try assumes a new hold (the common case: one round trip fewer); a unique violation
                // means the shopper already holds this SKU, and the retry grows that hold.
                return await TryReserveOneAsync(db, request, assumeNew: attempt == 1, now, options, ct);
            }
            catch (DbUpdateException e) when (attempt < 3 && DbErrors.IsUniqueViolation(e))
            {
                // The same shopper's other request started the hold first; this one grows it instead.
                db.ChangeTracker.Clear();
            }
            catch (PurchaseLimitExceeded e)
            {
                db.ChangeTracker.Clear();
                return HoldAttempt.Refused(e);
            }
        }
    }

    private static async Task<HoldAttempt> TryReserveOneAsync(BazaarDb db, HoldRequest request, bool assumeNew, DateTimeOffset now, InventoryOptions options, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if ((await HoldQuotas.ReadAsync(db, [request], ct))?.Check(request) is { } capped)
        {
            await tx.RollbackAsync(ct);
            return HoldAttempt.Refused(capped);
        }
        var hold = await AddToReservationAsync(db, request, assumeNew, now, options, ct);
        if (request.Alongside is { } alongside) await alongside(db, ct);
        if (!await StockItem.ReserveWhereAvailableAsync(db.StockItems, request.Sku, request.Quantity, now, ct))
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            // A refused single unit means nothing is left; only larger requests need to read how much is.
            if (request.Quantity == 1) return HoldAttempt.Refused(new InsufficientStock(request.Sku, 1, 0));
            var available = await db.StockItems.Where(s => s.Sku == request.Sku).Select(s => (int?)(s.OnHand - s.Reserved)).FirstOrDefaultAsync(ct);
            return HoldAttempt.Refused(available is null ? new UnknownSku(request.Sku) : new InsufficientStock(request.Sku, request.Quantity, available.Value));
        }
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return HoldAttempt.Held(hold);
    }

    // Grows the shopper's live hold on the SKU, or starts one; writes the ledger entry. Does not touch stock.
    public static async Task<Hold> AddToReservationAsync(BazaarDb db, HoldRequest request, bool assumeNew, DateTimeOffset now, InventoryOptions options, CancellationToken ct)
    {
        var existing = assumeNew ? null : await db.Reservations.AsNoTracking()
            .Where(r => r.ShopperKey == request.ShopperKey && r.Sku == request.Sku && r.Status == ReservationStatus.Active)
            .Select(r => new { r.Id, r.Quantity, r.CreatedAt })
            .FirstOrDefaultAsync(ct);

        if (existing is null)
        {
            if (request.PurchaseLimit is { } limit && request.Quantity > limit)
                throw new PurchaseLimitExceeded(request.Sku, limit, 0);
            var reservation = Reservation.Begin(ReservationMove.Hold, request.Sku, request.ShopperKey, request.Quantity, now,
                ExpiryFor(now, now, options));
            reservation.ClientAddress = request.Quota?.Client;
            db.Reservations.Add(reservation);
            db.StockMovements.Add(Movement(request, MovementKind.Reserved, 0, request.Quantity, reservation, "added to cart", now));
            await db.SaveChangesAsync(ct);
            return new Hold(reservation.Id, request.Sku, reservation.Quantity, reservation.ExpiresAt);
        }

        var expires = ExpiryFor(existing.CreatedAt, now, options);
        var limitValue = request.PurchaseLimit ?? int.MaxValue;
        // Conditional, so that two adds racing for the same hold both count and never pass the limit.
        var grown = await db.Reservations
            .Where(r => r.Id == existing.Id && r.Status == ReservationStatus.Active && r.Quantity + request.Quantity <= limitValue)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Quantity, r => r.Quantity + request.Quantity).SetProperty(r => r.ExpiresAt, expires), ct);
        if (grown == 0)
        {
            if (request.PurchaseLimit is { } limit) throw new PurchaseLimitExceeded(request.Sku, limit, existing.Quantity);
            throw new NoActiveHold(request.Sku, request.ShopperKey);
        }
        db.StockMovements.Add(Movement(request, MovementKind.Reserved, 0, request.Quantity, existing.Id, "cart quantity raised", now));
        await db.SaveChangesAsync(ct);
        return new Hold(existing.Id, request.Sku, existing.Quantity + request.Quantity, expires);
    }

    // A ledger entry for a hold: by entity when the reservation is new in this unit of work (its id comes on save).
    public static StockMovement Movement(HoldRequest request, MovementKind kind, int onHandDelta, int reservedDelta, Reservation reservation, string reason, DateTimeOffset now)
    {
        var movement = Movement(request, kind, onHandDelta, reservedDelta, reservation.Id, reason, now);
        movement.Reservation = reservation;
        return movement;
    }

    public static StockMovement Movement(HoldRequest request, MovementKind kind, int onHandDelta, int reservedDelta, long reservationId, string reason, DateTimeOffset now) =>
        new()
        {
            Sku = request.Sku,
            Kind = kind,
            OnHandDelta = onHandDelta,
            ReservedDelta = reservedDelta,
            ReservationId = reservationId == 0 ? null : reservationId,
            Actor = request.Actor,
            Reason = reason,
            At = now,
        };
}
