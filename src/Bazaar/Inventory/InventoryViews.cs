namespace Bazaar.Inventory;

public sealed record Hold(long ReservationId, string Sku, int Quantity, DateTimeOffset ExpiresAt);

// A hold, or why none was given. In a flash sale nine buyers in ten are refused, so a refusal is a value here
// (the exception object is built, never thrown) and only callers that want an exception throw it.
public sealed record HoldAttempt(Hold? Hold, Exception? Refusal)
{
    public static HoldAttempt Held(Hold hold) => new(hold, null);

    public static HoldAttempt Refused(Exception refusal) => new(null, refusal);

    public Hold HoldOrThrow() => Hold ?? throw Refusal!;
}

public enum StockState
{
    InStock,
    Low,
    OutOfStock,
    Backorder,
}

public sealed record StockLevel(string Sku, int ProductId, int OnHand, int Reserved, bool Backorderable, int LowStockThreshold,
    ReservationStrategy Strategy, int? PurchaseLimit)
{
    public int Available => OnHand - Reserved;

    public StockState State => Available > LowStockThreshold ? StockState.InStock
        : Available > 0 ? StockState.Low
        : Backorderable ? StockState.Backorder
        : StockState.OutOfStock;

    public string Label => State switch
    {
        StockState.InStock => "In stock",
        StockState.Low => $"Only {Available} left",
        StockState.Backorder => "Back-order",
        _ => "Out of stock",
    };
}

public sealed record HoldView(long ReservationId, string Sku, int Quantity, ReservationStatus Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt);

public sealed record MovementView(long Id, string Sku, string Kind, int OnHandDelta, int ReservedDelta, long? ReservationId, string Actor, string Reason, DateTimeOffset At);

// Alongside: the caller's own write that must commit or roll back together with the hold (the cart line),
// run inside the hold's transaction with that transaction's DbContext.
// Quota: the caps the hold must stay within (HoldQuotas), or null for none.
internal sealed record HoldRequest(string Sku, string ShopperKey, int Quantity, string Actor, int? PurchaseLimit, HoldCompanion? Alongside = null,
    HoldQuota? Quota = null);

public delegate Task HoldCompanion(Data.BazaarDb db, CancellationToken ct);

public sealed record BackorderView(long OrderId, string Sku, int Quantity, int Allocated, BackorderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt)
{
    public int Outstanding => Status == BackorderStatus.Open ? Quantity - Allocated : 0;
}
