namespace Bazaar.Inventory;

public enum ReservationStatus
{
    Active,
    Committed,
    Released,
    Expired,
}

// A hold on stock for one cart line. It ends exactly once: committed, released or expired. Its status is written only
// from ReservationTransitions.Table (Begin, Apply, and HoldEnding's set-based endings).
public sealed class Reservation
{
    public long Id { get; set; }
    public required string Sku { get; set; }
    public required string ShopperKey { get; set; }
    public int Quantity { get; set; }
    public ReservationStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? EndedAt { get; private set; }

    // Set when an order commits the hold (the checkout issue); kept as a plain id across modules.
    public long? OrderId { get; set; }

    // The client (address, or IPv6 /64) the hold was taken from, when its units count against a per-client cap.
    public string? ClientAddress { get; set; }

    public bool IsExpiredAt(DateTimeOffset now) => Status == ReservationStatus.Active && ExpiresAt <= now;

    // A new reservation, by one of the table's rows that create one (Hold, Allocate).
    public static Reservation Begin(ReservationMove move, string sku, string shopperKey, int quantity, DateTimeOffset at,
        DateTimeOffset expiresAt)
    {
        var row = ReservationTransitions.Require(null, move);
        return new Reservation
        {
            Sku = sku, ShopperKey = shopperKey, Quantity = quantity, Status = row.To, CreatedAt = at, ExpiresAt = expiresAt,
            EndedAt = ReservationTransitions.IsFinal(row.To) ? at : null,
        };
    }

    // Moves by the table; a move it does not allow throws and changes nothing.
    public void Apply(ReservationMove move, DateTimeOffset at)
    {
        var row = ReservationTransitions.Require(Status, move, Id);
        Status = row.To;
        if (ReservationTransitions.IsFinal(row.To)) EndedAt = at;
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
