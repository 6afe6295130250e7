namespace Bazaar.Inventory;

public enum BackorderStatus
{
    // Units are still owed to the order; received stock goes to the oldest open back-order first.
    Open,

    // Every unit promised is committed to the order.
    Allocated,

    // The order was cancelled: the units not allocated by then are no longer owed.
    Cancelled,
}

// Units an order was promised while the SKU was sold out. It ends exactly once: allocated (stock received and committed
// to the order) or cancelled (with its order). Allocated units are committed reservations of the order, like any sold unit.
public sealed class Backorder
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public required string Sku { get; set; }
    public required string ShopperKey { get; set; }

    // Promised at placement; never changes.
    public int Quantity { get; set; }

    // Committed to the order so far (0 <= Allocated <= Quantity).
    public int Allocated { get; set; }
    public BackorderStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    // When the order's payment went through. Only then does the back-order claim units: an order nobody pays must not
    // keep received stock off sale until it is cancelled.
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    public int Outstanding => Status == BackorderStatus.Open ? Quantity - Allocated : 0;
}
