using Bazaar.Platform;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Payments;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Orders;

// The order invariants of DESIGN.md, checked on a live database: every order's lines are exactly the stock committed
// for it plus its back-ordered units not committed yet; a paid order has its money authorised or captured; nothing
// captured beyond authorised, nor refunded beyond captured; every status was reached by a recorded move.
public sealed class OrderAudit(BazaarDb db, Inventory.Inventory inventory, Payments.Payments payments)
{
    public async Task<IReadOnlyList<Violation>> RunAsync(CancellationToken ct = default)
    {
        var violations = new List<Violation>();
        // Demo history (see OrderHistory.ImportDemoAsync) never held stock or money: only real orders are audited.
        var lines = await db.OrderLines.AsNoTracking().Where(l => db.Orders.Any(o => o.Id == l.OrderId && !o.Demo))
            .Select(l => new { l.OrderId, l.Sku, l.Quantity, l.QuantityBackordered }).ToListAsync(ct);
        var ordered = lines.ToDictionary(l => (l.OrderId, l.Sku));
        var committed = (await inventory.ListCommittedAsync(ct)).ToDictionary(c => (c.OrderId, c.Sku), c => c.Quantity);
        var owed = (await inventory.ListBackordersAsync(ct)).ToDictionary(b => (b.OrderId, b.Sku));
        // An order that was never paid was never placed: its units stayed the cart's holds and none is committed to it.
        var neverPaid = (await db.Orders.AsNoTracking().Where(o => !o.Demo && (o.Status == OrderStatus.PendingPayment
                || (o.Status == OrderStatus.Cancelled && !o.Events.Any(e => e.Action == nameof(OrderAction.ConfirmPayment)))))
            .Select(o => o.Id).ToListAsync(ct)).ToHashSet();
        foreach (var ((orderId, sku), line) in ordered)
        {
            if (neverPaid.Contains(orderId))
            {
                if (committed.GetValueOrDefault((orderId, sku)) != 0 || owed.ContainsKey((orderId, sku)))
                    violations.Add(new Violation("an unpaid order holds no stock", $"order {orderId} ({sku})",
                        $"committed {committed.GetValueOrDefault((orderId, sku))}, but the order was never paid"));
                continue;
            }
            // A back-ordered unit is either committed since (allocated) or not yet (outstanding, or cancelled with the order).
            var backorder = owed.GetValueOrDefault((orderId, sku));
            var notCommitted = backorder is null ? 0 : backorder.Quantity - backorder.Allocated;
            var sold = committed.GetValueOrDefault((orderId, sku));
            if (sold + notCommitted != line.Quantity)
                violations.Add(new Violation("an order's lines are the stock committed for it", $"order {orderId} ({sku})",
                    $"ordered {line.Quantity}, committed {sold}" + (backorder is null ? "" : $", back-ordered and not allocated {notCommitted}")));
            if ((backorder?.Quantity ?? 0) != line.QuantityBackordered)
                violations.Add(new Violation("an order's back-ordered units are its back-order", $"order {orderId} ({sku})",
                    $"line back-ordered {line.QuantityBackordered}, back-order for {backorder?.Quantity ?? 0}"));
        }
        foreach (var b in owed.Values.Where(b => !ordered.ContainsKey((b.OrderId, b.Sku))).Take(100))
            violations.Add(new Violation("an order's back-ordered units are its back-order", $"order {b.OrderId} ({b.Sku})", $"back-order for {b.Quantity}, but the order has no such line"));
        foreach (var ((orderId, sku), quantity) in committed.Where(c => !ordered.ContainsKey(c.Key)).Take(100))
            violations.Add(new Violation("stock is committed only with an order", $"order {orderId} ({sku})", $"{quantity} committed, but the order has no such line"));

        var paidStatuses = new[] { OrderStatus.Paid, OrderStatus.Fulfilling, OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered,
            OrderStatus.ReturnRequested, OrderStatus.Returned, OrderStatus.PartiallyRefunded, OrderStatus.Refunded };
        var money = (await payments.ListForAuditAsync(ct)).ToDictionary(p => p.OrderId);
        var orders = await db.Orders.AsNoTracking().Where(o => !o.Demo).Select(o => new { o.Id, o.Status, o.Total }).ToListAsync(ct);
        var openOrders = owed.Values.Where(b => b.Status == BackorderStatus.Open).Select(b => b.OrderId).ToHashSet();
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
            if (o.Status == OrderStatus.Cancelled && openOrders.Contains(o.Id))
                violations.Add(new Violation("a cancelled order is owed nothing", $"order {o.Id}", "cancelled, but its back-order is still open"));
            if (p.Amount != o.Total) violations.Add(new Violation("the payment is for the order's total", $"order {o.Id}", $"payment {p.Amount}, total {o.Total}"));
            if (p.Captured > p.Authorised) violations.Add(new Violation("captured never exceeds authorised", $"order {o.Id}", $"captured {p.Captured}, authorised {p.Authorised}"));
            if (p.Refunded > p.Captured) violations.Add(new Violation("refunds never exceed what was captured", $"order {o.Id}", $"refunded {p.Refunded}, captured {p.Captured}"));
            // A node stopped between the gateway's capture and the row's update leaves them disagreeing until the
            // reconciler (PaymentReconciler) finishes it.
            if ((p.Captures > 0 || p.Captured > 0) && p.Status != PaymentStatus.Captured)
                violations.Add(new Violation("a payment agrees with its capture attempts", $"order {o.Id}",
                    $"{p.Captures} capture(s) succeeded at the gateway, but the payment is {p.Status}, captured {p.Captured}"));
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
