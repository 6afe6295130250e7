using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Orders;

// One order as a basket: who bought which products when. Quantities do not matter to "also bought".
public sealed record OrderBasket(long OrderId, string ShopperKey, DateTimeOffset PlacedAt, bool Cancelled, IReadOnlyList<int> ProductIds);

public sealed record DemoOrderLine(string Sku, int ProductId, string Title, decimal UnitPrice, int Quantity);

public sealed record DemoOrder(string ShopperKey, string Email, DateTimeOffset PlacedAt, IReadOnlyList<DemoOrderLine> Lines);

// What other modules learn from past orders: reviews ask whether a shopper bought a product, recommendations read
// baskets and best-sellers. Also writes the simulated history of the demo seeder.
public sealed class OrderHistory(BazaarDb db, ReadReplica replica)
{
    // Paid for and not cancelled: the purchase a "verified purchase" badge vouches for.
    public async Task<bool> HasBoughtAsync(string customerId, int productId, CancellationToken ct = default) =>
        await db.Orders.AnyAsync(o => o.CustomerId == customerId && o.Status != OrderStatus.PendingPayment && o.Status != OrderStatus.Cancelled
            && o.Lines.Any(l => l.ProductId == productId), ct);

    // Orders after `afterOrderId` placed before `placedBefore`, in id order: the feed the also-bought builder tails.
    public async Task<IReadOnlyList<OrderBasket>> ListBasketsAsync(long afterOrderId, DateTimeOffset placedBefore, int take, CancellationToken ct = default)
    {
        var orders = await db.Orders.AsNoTracking().Where(o => o.Id > afterOrderId && o.PlacedAt < placedBefore).OrderBy(o => o.Id).Take(take)
            .Select(o => new { o.Id, o.ShopperKey, o.PlacedAt, o.Status }).ToListAsync(ct);
        if (orders.Count == 0) return [];
        var last = orders[^1].Id;
        var lines = (await db.OrderLines.AsNoTracking().Where(l => l.OrderId > afterOrderId && l.OrderId <= last)
                .Select(l => new { l.OrderId, l.ProductId }).ToListAsync(ct))
            .ToLookup(l => l.OrderId, l => l.ProductId);
        return orders.Select(o => new OrderBasket(o.Id, o.ShopperKey, o.PlacedAt, o.Status == OrderStatus.Cancelled, lines[o.Id].Distinct().ToList())).ToList();
    }

    // The shopper's latest orders, newest first, without cancelled ones.
    public async Task<IReadOnlyList<OrderBasket>> ListShopperBasketsAsync(string shopperKey, int take, CancellationToken ct = default)
    {
        var orders = await db.Orders.AsNoTracking().Where(o => o.ShopperKey == shopperKey && o.Status != OrderStatus.Cancelled)
            .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(take)
            .Select(o => new { o.Id, o.PlacedAt, Products = o.Lines.Select(l => l.ProductId).ToList() })
            .ToListAsync(ct);
        return orders.Select(o => new OrderBasket(o.Id, shopperKey, o.PlacedAt, false, o.Products.Distinct().ToList())).ToList();
    }

    // Products by the number of orders that had them since `since` (cancelled orders left out).
    public async Task<IReadOnlyList<(int ProductId, int Orders)>> BestSellersAsync(DateTimeOffset since, int take, CancellationToken ct = default)
    {
        // Trending for the home page: a few seconds behind is fine, so the replica may answer.
        var rows = await replica.ReadAsync(db, Freshness.MayLag, source => source.OrderLines.AsNoTracking()
            .Where(l => source.Orders.Any(o => o.Id == l.OrderId && o.PlacedAt >= since && o.Status != OrderStatus.Cancelled))
            .GroupBy(l => l.ProductId)
            .Select(g => new { ProductId = g.Key, Orders = g.Count() })
            .OrderByDescending(g => g.Orders).ThenBy(g => g.ProductId)
            .Take(take)
            .ToListAsync(ct), ct);
        return rows.Select(r => (r.ProductId, r.Orders)).ToList();
    }

    public Task<bool> HasDemoHistoryAsync(CancellationToken ct = default) => db.Orders.AnyAsync(o => o.Demo, ct);

    // Writes simulated orders as delivered, each with the moves the transition table would have made, marked Demo.
    // Removes demo orders a stopped first start left part-written (their lines and timeline go with them); the
    // history is then written again in full. Demo orders never held stock or money, so nothing else refers to them.
    public Task<int> DeleteDemoAsync(CancellationToken ct = default) => db.Orders.Where(o => o.Demo).ExecuteDeleteAsync(ct);

    public async Task<int> ImportDemoAsync(IReadOnlyList<DemoOrder> demoOrders, CancellationToken ct = default)
    {
        const string actor = "demo-seeder";
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var chunk in demoOrders.Chunk(1000))
            {
                foreach (var d in chunk)
                {
                    var subtotal = d.Lines.Sum(l => l.UnitPrice * l.Quantity);
                    var order = new Order
                    {
                        ShopperKey = d.ShopperKey,
                        Email = d.Email,
                        Status = OrderStatus.PendingPayment,
                        ShipTo = new ShippingAddress("Demo shopper", "1 Example Street", null, "Springfield", null, "00000", "US", null),
                        ShippingMethod = "standard",
                        ShippingMethodName = "Standard",
                        DeliveryDaysMin = 3,
                        DeliveryDaysMax = 5,
                        Subtotal = subtotal,
                        Total = subtotal,
                        PlacedAt = d.PlacedAt,
                        UpdatedAt = d.PlacedAt,
                        PaymentDueBy = d.PlacedAt,
                        Demo = true,
                        Lines = d.Lines.Select(l => new OrderLine
                        {
                            Sku = l.Sku, ProductId = l.ProductId, Title = l.Title, UnitPrice = l.UnitPrice, Quantity = l.Quantity,
                            LineTotal = l.UnitPrice * l.Quantity, QuantityShipped = l.Quantity,
                        }).ToList(),
                    };
                    order.RecordPlaced(actor, d.PlacedAt);
                    order.Apply(OrderAction.ConfirmPayment, actor, "demo history", d.PlacedAt);
                    order.Apply(OrderAction.StartFulfilment, actor, "demo history", d.PlacedAt.AddHours(2));
                    order.Apply(OrderAction.ShipRest, actor, "demo history", d.PlacedAt.AddDays(1));
                    order.Apply(OrderAction.Deliver, actor, "demo history", d.PlacedAt.AddDays(3));
                    db.Orders.Add(order);
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            return demoOrders.Count;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }
}
