namespace Bazaar.Inventory;

public enum ReservationStatus
{
    Active,
    Committed,
    Released,
    Expired,
}

// A hold on stock for one cart line. It ends exactly once: committed, released or expired.
public sealed class Reservation
{
    public long Id { get; set; }
    public required string Sku { get; set; }
    public required string ShopperKey { get; set; }
    public int Quantity { get; set; }
    public ReservationStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    // Set when an order commits the hold (the checkout issue); kept as a plain id across modules.
    public long? OrderId { get; set; }

    // The client (address, or IPv6 /64) the hold was taken from, when its units count against a per-client cap.
    public string? ClientAddress { get; set; }

    public bool IsExpiredAt(DateTimeOffset now) => Status == ReservationStatus.Active && ExpiresAt <= now;

    public void End(ReservationStatus outcome, DateTimeOffset at)
    {
        if (outcome == ReservationStatus.Active) throw new ArgumentOutOfRangeException(nameof(outcome), "A reservation ends as committed, released or expired.");
        if (Status != ReservationStatus.Active) throw new InvalidOperationException($"Reservation {Id} already ended as {Status}.");
        Status = outcome;
        EndedAt = at;
    }
}

public enum MovementKind
{
    Received,
    Adjusted,
    Reserved,
    Released,
    Expired,
    Committed,
    Returned,
}

// The append-only ledger: every change of on-hand or reserved stock, with who and why.
public sealed class StockMovement
{
    public long Id { get; set; }
    public required string Sku { get; set; }
    public MovementKind Kind { get; set; }

    // Signed change to on-hand and to reserved stock caused by this movement.
    public int OnHandDelta { get; set; }
    public int ReservedDelta { get; set; }
    public long? ReservationId { get; set; }
    public Reservation? Reservation { get; set; }
    public required string Actor { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset At { get; set; }
}
