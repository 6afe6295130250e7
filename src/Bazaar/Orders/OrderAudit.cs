using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Payments;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Orders;

// The order invariants of DESIGN.md, checked on a live database: every order's lines are exactly the stock committed
// for it; a paid order has its money authorised or captured; nothing captured beyond authorised, nor refunded beyond
// captured; every status was reached by a recorded move.
public sealed class OrderAudit(BazaarDb db, Inventory.Inventory inventory, Payments.Payments payments)
{
    public async Task<IReadOnlyList<Violation>> RunAsync(CancellationToken ct = default)
    {
        var violations = new List<Violation>();
        // Demo history (see OrderHistory.ImportDemoAsync) never held stock or money: only real orders are audited.
        var lines = await db.OrderLines.AsNoTracking().Where(l => db.Orders.Any(o => o.Id == l.OrderId && !o.Demo)).Select(l => new { l.OrderId, l.Sku, l.Quantity }).ToListAsync(ct);
        var ordered = lines.ToDictionary(l => (l.OrderId, l.Sku), l => l.Quantity);
        var committed = (await inventory.ListCommittedAsync(ct)).ToDictionary(c => (c.OrderId, c.Sku), c => c.Quantity);
        foreach (var ((orderId, sku), quantity) in ordered)
            if (committed.GetValueOrDefault((orderId, sku)) != quantity)
                violations.Add(new Violation("an order's lines are the stock committed for it", $"order {orderId} ({sku})", $"ordered {quantity}, committed {committed.GetValueOrDefault((orderId, sku))}"));
        foreach (var ((orderId, sku), quantity) in committed.Where(c => !ordered.ContainsKey(c.Key)).Take(100))
            violations.Add(new Violation("stock is committed only with an order", $"order {orderId} ({sku})", $"{quantity} committed, but the order has no such line"));

        var paidStatuses = new[] { OrderStatus.Paid, OrderStatus.Fulfilling, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered,
            OrderStatus.ReturnRequested, OrderStatus.Returned, OrderStatus.PartiallyRefunded, OrderStatus.Refunded };
        var money = (await payments.ListForAuditAsync(ct)).ToDictionary(p => p.OrderId);
        var orders = await db.Orders.AsNoTracking().Where(o => !o.Demo).Select(o => new { o.Id, o.Status, o.Total }).ToListAsync(ct);
        foreach (var o in orders)
        {
            if (!money.TryGetValue(o.Id, out var p))
            {
                violations.Add(new Violation("every order has a payment", $"order {o.Id}", "no payment row"));
                continue;
            }
            if (paidStatuses.Contains(o.Status) && p.Status is not (PaymentStatus.Authorised or PaymentStatus.Capturing or PaymentStatus.Captured))
                violations.Add(new Violation("a paid order has its money", $"order {o.Id}", $"order {o.Status}, payment {p.Status}"));
            if (o.Status is OrderStatus.Shipped or OrderStatus.Delivered && p.Status != PaymentStatus.Captured)
                violations.Add(new Violation("a shipped order is captured", $"order {o.Id}", $"order {o.Status}, payment {p.Status}"));
            if (o.Status == OrderStatus.Cancelled && p.Status is PaymentStatus.Authorised or PaymentStatus.Capturing or PaymentStatus.Captured)
                violations.Add(new Violation("a cancelled order keeps no money", $"order {o.Id}", $"payment {p.Status}"));
            if (p.Amount != o.Total) violations.Add(new Violation("the payment is for the order's total", $"order {o.Id}", $"payment {p.Amount}, total {o.Total}"));
            if (p.Captured > p.Authorised) violations.Add(new Violation("captured never exceeds authorised", $"order {o.Id}", $"captured {p.Captured}, authorised {p.Authorised}"));
            if (p.Refunded > p.Captured) violations.Add(new Violation("refunds never exceed what was captured", $"order {o.Id}", $"refunded {p.Refunded}, captured {p.Captured}"));
            if (p.Captures > 1) violations.Add(new Violation("a payment is captured at most once", $"order {o.Id}", $"{p.Captures} captures"));
        }

        var lastMoves = await db.OrderEvents.AsNoTracking().Where(e => db.Orders.Any(o => o.Id == e.OrderId && !o.Demo)).GroupBy(e => e.OrderId).Select(g => new { OrderId = g.Key, LastId = g.Max(e => e.Id) }).ToListAsync(ct);
        var lastTo = await db.OrderEvents.AsNoTracking().Where(e => lastMoves.Select(l => l.LastId).Contains(e.Id)).ToDictionaryAsync(e => e.OrderId, e => e.To, ct);
        foreach (var m in orders.Where(m => lastTo.GetValueOrDefault(m.Id, (OrderStatus)(-1)) != m.Status).Take(100))
            violations.Add(new Violation("every move is recorded", $"order {m.Id}", $"status {m.Status}, last recorded move to {(lastTo.TryGetValue(m.Id, out var t) ? t : "nothing")}"));
        return violations;
    }

    // Shoppers with more than one order: in the flash-sale benchmark every buyer checks out once, so any extra
    // order is a double placement.
    public async Task<int> CountExtraOrdersPerShopperAsync(CancellationToken ct = default) =>
        await db.Orders.AsNoTracking().CountAsync(o => !o.Demo, ct) - await db.Orders.AsNoTracking().Where(o => !o.Demo).Select(o => o.ShopperKey).Distinct().CountAsync(ct);
}
