using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

public enum ReservationStrategy
{
    RowLock,
    Queue,
    Gate,
}

// Stock of one SKU. Invariant: 0 <= Reserved <= OnHand; Available = OnHand - Reserved.
// Holding units is one rule in one place (ADR 0012): CanReserve is the condition, written as an expression so that the
// hot paths (row-lock holds, the queue's batches, re-holds at checkout) send it as the WHERE of one conditional UPDATE
// (ReserveWhereAvailableAsync), and Reserve evaluates the same expression on a loaded row.
public sealed class StockItem
{
    public required string Sku { get; set; }
    public int ProductId { get; set; }
    public int OnHand { get; set; }
    public int Reserved { get; set; }
    public bool Backorderable { get; set; }
    public int LowStockThreshold { get; set; } = 5;
    public ReservationStrategy? Strategy { get; set; }

    // Most units of this SKU one shopper may hold or buy at once (flash sales); null means no limit.
    public int? PurchaseLimit { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public int Available => OnHand - Reserved;

    public bool IsLow => Available <= LowStockThreshold;

    // The rule of a hold: `quantity` more units of `sku` are held only while that many are available.
    public static Expression<Func<StockItem, bool>> CanReserve(string sku, int quantity) =>
        s => s.Sku == sku && s.OnHand - s.Reserved >= quantity;

    public void Reserve(int quantity)
    {
        RequirePositive(quantity);
        if (!CanReserve(Sku, quantity).Compile()(this)) throw new InsufficientStock(Sku, quantity, Available);
        Reserved += quantity;
    }

    // Reserve as the store runs it: one conditional UPDATE whose WHERE is CanReserve, so concurrent buyers never
    // oversell and a refusal costs no read. True when the units were held.
    internal static async Task<bool> ReserveWhereAvailableAsync(IQueryable<StockItem> stock, string sku, int quantity,
        DateTimeOffset now, CancellationToken ct) =>
        await stock.Where(CanReserve(sku, quantity))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Reserved, s => s.Reserved + quantity).SetProperty(s => s.UpdatedAt, now), ct) == 1;

    public void Release(int quantity)
    {
        RequirePositive(quantity);
        if (quantity > Reserved) throw new InvalidOperationException($"Cannot release {quantity} of {Sku}: only {Reserved} reserved.");
        Reserved -= quantity;
    }

    // A reserved unit is sold: it leaves both the reservation and the shelf.
    public void Commit(int quantity)
    {
        RequirePositive(quantity);
        if (quantity > Reserved) throw new InvalidOperationException($"Cannot commit {quantity} of {Sku}: only {Reserved} reserved.");
        Reserved -= quantity;
        OnHand -= quantity;
    }

    public void Receive(int quantity)
    {
        RequirePositive(quantity);
        OnHand += quantity;
    }

    public void Return(int quantity) => Receive(quantity);

    // A stock count: the shelf holds newOnHand units. Units already held for carts cannot be counted away.
    public int AdjustTo(int newOnHand)
    {
        if (newOnHand < 0) throw new ArgumentOutOfRangeException(nameof(newOnHand), "On-hand stock cannot be negative.");
        if (newOnHand < Reserved) throw new InsufficientStock(Sku, Reserved - newOnHand, OnHand - Reserved);
        var delta = newOnHand - OnHand;
        OnHand = newOnHand;
        return delta;
    }

    private static void RequirePositive(int quantity)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "The quantity must be at least 1.");
    }
}

public sealed class InsufficientStock(string sku, int requested, int available)
    : Exception($"Only {Math.Max(available, 0)} of {sku} available; {requested} requested.")
{
    public string Sku { get; } = sku;
    public int Requested { get; } = requested;
    public int Available { get; } = Math.Max(available, 0);
}
