using Bazaar.Data;
using Bazaar.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Orders;

// The orders facade: places orders (for Checkout, in its transaction), moves them along the transition table with
// their side effects (stock back on the shelf, payment voided, captured or refunded), and reads them for shoppers and
// the back office. Lock order in every move: order row, then payment row, then stock rows.
public sealed class Orders(BazaarDb db, Inventory.Inventory inventory, Payments.Payments payments, Discounts.Discounts discounts, TimeProvider clock,
    IOptions<OrdersOptions> options)
{
    public const int MaxPageSize = 200;

    // Every move's side effects are its table row's, carried out by this and nowhere else in the facade.
    private readonly OrderEffectRunner _effects = new(inventory, payments, discounts);

    // Writes a new order and its first timeline entry, in the caller's transaction. Returns its id.
    public async Task<long> CreateAsync(OrderDraft draft, string actor, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("An order is created in the transaction that commits its stock.");
        var now = clock.GetUtcNow();
        var order = new Order
        {
            ShopperKey = draft.ShopperKey,
            CustomerId = draft.CustomerId,
            Email = draft.Email,
            Status = OrderStatus.PendingPayment,
            ShipTo = draft.ShipTo,
            ShippingMethod = draft.ShippingMethod,
            ShippingMethodName = draft.ShippingMethodName,
            DeliveryDaysMin = draft.DeliveryDaysMin,
            DeliveryDaysMax = draft.DeliveryDaysMax,
            Subtotal = draft.Subtotal,
            Discount = draft.Discount,
            CouponCode = draft.CouponCode,
            DiscountReason = draft.DiscountReason,
            ShippingCost = draft.ShippingCost,
            TaxRate = draft.TaxRate,
            Tax = draft.Tax,
            Total = draft.Total,
            Currency = draft.Currency,
            PlacedAt = now,
            UpdatedAt = now,
            PaymentDueBy = now + options.Value.PaymentTimeout,
            Lines = draft.Lines.Select(l => new OrderLine
            {
                Sku = l.Sku, ProductId = l.ProductId, Title = l.Title, UnitPrice = l.UnitPrice, Quantity = l.Quantity, LineTotal = l.UnitPrice * l.Quantity,
                Discount = l.Discount,
            }).ToList(),
        };
        order.RecordPlaced(actor, now);
        db.Orders.Add(order);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        // No "we have your order" yet: it is placed for the shopper only once paid (ConfirmPaymentAsync writes that).
        return order.Id;
    }

    public async Task<OrderView?> GetAsync(long id, CancellationToken ct = default)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.Events).AsSplitQuery().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null) return null;
        var payment = await payments.GetAsync(id, ct);
        var owed = await BackorderedAsync(order, ct);
        return new OrderView(order.Id, OrderNumbers.Format(order.Id), order.Status.ToString(), order.Email, order.ShipTo, order.ShippingMethod, order.ShippingMethodName,
            order.DeliveryDaysMin, order.DeliveryDaysMax, order.Subtotal, order.ShippingCost, order.TaxRate, order.Tax, order.Total, order.Currency, order.PlacedAt, order.PaymentDueBy,
            order.Lines.OrderBy(l => l.Id).Select(l => new OrderLineView(l.Sku, l.ProductId, l.Title, l.UnitPrice, l.Quantity, l.LineTotal, l.QuantityShipped, l.QuantityReturned,
                owed.GetValueOrDefault(l.Sku), l.Discount)).ToList(),
            order.Events.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new OrderEventView(e.From?.ToString(), e.To.ToString(), e.Action, e.Actor, e.Reason, e.At)).ToList(),
            payment,
            OrderTransitions.AllowedFrom(order.Status).Select(a => a.ToString()).ToList(),
            order.Discount, order.CouponCode, order.DiscountReason);
    }

    // Units by SKU still owed to the order: Inventory allocates them as stock arrives, so it is asked, not the order.
    private async Task<IReadOnlyDictionary<string, int>> BackorderedAsync(Order order, CancellationToken ct) =>
        order.Lines.Any(l => l.QuantityBackordered > 0)
            ? (await inventory.GetBackordersAsync(order.Id, ct)).Where(b => b.Value.Outstanding > 0).ToDictionary(b => b.Key, b => b.Value.Outstanding, StringComparer.Ordinal)
            : new Dictionary<string, int>();

    // The units Inventory owes the order at placement (Inventory.CommitHoldsAsync decided them), on its lines, in the
    // placing transaction, which has just made the ConfirmPayment move. The back-orders are written after that move (the
    // stock is committed after the order row is locked), so the effect its row lists for them (ClaimBackorders: they
    // start claiming stock) runs here, once they exist.
    public async Task RecordBackorderedAsync(long id, IReadOnlyDictionary<string, int> backordered, string actor, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Back-ordered units are recorded in the transaction that places the order.");
        foreach (var (sku, quantity) in backordered)
            await db.OrderLines.Where(l => l.OrderId == id && l.Sku == sku).ExecuteUpdateAsync(u => u.SetProperty(l => l.QuantityBackordered, quantity), ct);
        var confirm = OrderTransitions.Find(OrderStatus.PendingPayment, OrderAction.ConfirmPayment)!;
        var lines = backordered.Select(b => new OrderLine { Sku = b.Key, Title = b.Key, QuantityBackordered = b.Value }).ToList();
        await _effects.RunAsync(OrderEffectRunner.Phase.InMove, confirm with { Effects = confirm.Effects & OrderEffects.ClaimBackorders }, id,
            lines, new OrderEffectRunner.Args { Actor = actor, Reason = "payment authorised" }, ct);
    }

    // A shopper sees only the orders placed from their own cart (their account, or this browser as a guest).
    public async Task<OrderView?> GetForShopperAsync(long id, string shopperKey, CancellationToken ct = default) =>
        await db.Orders.AnyAsync(o => o.Id == id && o.ShopperKey == shopperKey, ct) ? await GetAsync(id, ct) : null;

    // The order's status, if it is this shopper's (one read; GetForShopperAsync reads the whole order).
    public async Task<OrderStatus?> StatusForShopperAsync(long id, string shopperKey, CancellationToken ct = default) =>
        await db.Orders.Where(o => o.Id == id && o.ShopperKey == shopperKey).Select(o => (OrderStatus?)o.Status).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<OrderSummary>> ListForShopperAsync(string shopperKey, int take = 100, CancellationToken ct = default)
    {
        // An order that was never paid was never placed for the shopper: the checkout went to the gateway's page and
        // came back without a payment (or is still there).
        var orders = await db.Orders.AsNoTracking().Where(o => o.ShopperKey == shopperKey && o.Status != OrderStatus.PendingPayment
                && (o.Status != OrderStatus.Cancelled || o.Events.Any(e => e.Action == nameof(OrderAction.ConfirmPayment))))
            .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(take)
            .Select(o => new OrderSummary(o.Id, "", o.Status.ToString(), o.Email, o.Lines.Sum(l => l.Quantity), o.Total, o.Currency, o.PlacedAt))
            .ToListAsync(ct);
        return orders.Select(s => s with { Number = OrderNumbers.Format(s.Id) }).ToList();
    }

    public async Task<OrderPage> SearchAsync(OrderSearch search, CancellationToken ct = default)
    {
        var page = Math.Max(search.Page, 1);
        var size = Math.Clamp(search.PageSize, 1, MaxPageSize);
        var orders = db.Orders.AsNoTracking();
        if (search.Status is { } status) orders = orders.Where(o => o.Status == status);
        if (search.From is { } from) orders = orders.Where(o => o.PlacedAt >= from);
        if (search.To is { } to) orders = orders.Where(o => o.PlacedAt < to);
        if (search.MinTotal is { } min) orders = orders.Where(o => o.Total >= min);
        if (search.MaxTotal is { } max) orders = orders.Where(o => o.Total <= max);
        if (search.CustomerId is { } customerId) orders = orders.Where(o => o.CustomerId == customerId);
        if (!string.IsNullOrWhiteSpace(search.Customer))
        {
            var text = search.Customer.Trim().ToLowerInvariant();
            var number = text.StartsWith("bz-", StringComparison.Ordinal) && long.TryParse(text[3..], out var n) ? n : (long?)null;
            orders = orders.Where(o => o.Email.ToLower().Contains(text) || o.CustomerId == search.Customer.Trim() || o.ShipTo.Name.ToLower().Contains(text) || o.Id == number);
        }
        var total = await orders.CountAsync(ct);
        orders = (search.Sort, search.Descending) switch
        {
            ("total", false) => orders.OrderBy(o => o.Total).ThenBy(o => o.Id),
            ("total", true) => orders.OrderByDescending(o => o.Total).ThenByDescending(o => o.Id),
            ("status", false) => orders.OrderBy(o => o.Status).ThenByDescending(o => o.Id),
            ("status", true) => orders.OrderByDescending(o => o.Status).ThenByDescending(o => o.Id),
            ("number", false) => orders.OrderBy(o => o.Id),
            ("number", true) => orders.OrderByDescending(o => o.Id),
            ("email", false) => orders.OrderBy(o => o.Email).ThenByDescending(o => o.Id),
            ("email", true) => orders.OrderByDescending(o => o.Email).ThenByDescending(o => o.Id),
            (_, false) => orders.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id),
            _ => orders.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id),
        };
        var items = await orders.Skip((page - 1) * size).Take(size)
            .Select(o => new OrderSummary(o.Id, "", o.Status.ToString(), o.Email, o.Lines.Sum(l => l.Quantity), o.Total, o.Currency, o.PlacedAt))
            .ToListAsync(ct);
        return new OrderPage(items.Select(s => s with { Number = OrderNumbers.Format(s.Id) }).ToList(), total, page, size,
            (search.Descending ? "-" : "") + search.Sort);
    }

    public async Task<OrderStatus?> StatusOfAsync(long id, CancellationToken ct = default) =>
        await db.Orders.Where(o => o.Id == id).Select(o => (OrderStatus?)o.Status).FirstOrDefaultAsync(ct);

    // The payment went through: PendingPayment -> Paid, in the caller's transaction when there is one (Checkout's, which
    // commits the stock with it). Repeating it is harmless. Returns the status after, whether this call moved it, and
    // who the order is for and what it holds, read with the move (Checkout commits that stock without reading it again).
    public async Task<PaymentConfirmation> ConfirmPaymentAsync(long id, string actor, CancellationToken ct = default)
    {
        var status = OrderStatus.PendingPayment;
        var shopperKey = "";
        IReadOnlyList<(string Sku, int Quantity)> lines = [];
        var move = await MoveAsync(id, o =>
        {
            status = o.Status;
            shopperKey = o.ShopperKey;
            lines = o.Lines.OrderBy(l => l.Id).Select(l => (l.Sku, l.Quantity)).ToList();
            if (o.Status != OrderStatus.PendingPayment) return null;
            var move = o.Apply(OrderAction.ConfirmPayment, actor, "payment authorised", clock.GetUtcNow());
            status = move.To;
            return move;
        },
        new OrderEffectRunner.Args { Actor = actor, Reason = "payment authorised" }, ct);
        return new PaymentConfirmation(status, move is not null, shopperKey, lines);
    }

    public async Task CancelAsync(long id, string actor, string reason, bool byShopper, CancellationToken ct = default, string? requestKey = null)
    {
        if (await AlreadyDoneAsync(id, requestKey, [OrderAction.Cancel], ct)) return;
        await EndUnshippedAsync(id, OrderAction.Cancel, actor, reason, byShopper, ct, requestKey);
    }

    // Cancels and restocks in one transaction that also claims the payment's void (so nothing can be captured after);
    // the gateway is told afterwards, outside the transaction.
    private async Task EndUnshippedAsync(long id, OrderAction action, string actor, string reason, bool byShopper, CancellationToken ct,
        string? requestKey = null)
    {
        await MoveAsync(id, order =>
        {
            if (byShopper && !OrderTransitions.ShopperMay(order.Status, action))
                throw new InvalidOrderMove(id, order.Status, action, OrderTransitions.AllowedFrom(order.Status).Where(a => OrderTransitions.ShopperMay(order.Status, a)).ToList());
            return order.Apply(action, actor, reason, clock.GetUtcNow());
        },
        new OrderEffectRunner.Args { Actor = actor, Reason = reason }, ct, requestKey);
    }

    public async Task StartFulfilmentAsync(long id, string actor, CancellationToken ct = default, string? requestKey = null)
    {
        if (await AlreadyDoneAsync(id, requestKey, [OrderAction.StartFulfilment], ct)) return;
        await MoveAsync(id, o => o.Apply(OrderAction.StartFulfilment, actor, "picking and packing", clock.GetUtcNow()),
            new OrderEffectRunner.Args { Actor = actor, Reason = "picking and packing" }, ct, requestKey);
    }

    // Ships the named units (all that are in stock when none are named; back-ordered units cannot ship). The payment is captured, once, before the
    // first shipment is recorded: a repeat after a failure finds it captured and does not capture again. A repeat with
    // the first request's key (its answer was lost) finds the shipment recorded under that key and ships nothing more.
    public async Task ShipAsync(long id, IReadOnlyDictionary<string, int>? units, string actor, string? reason, CancellationToken ct = default,
        string? requestKey = null)
    {
        OrderAction[] ship = [OrderAction.ShipPart, OrderAction.ShipRest];
        if (await AlreadyDoneAsync(id, requestKey, ship, ct)) return;
        var preview = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new OrderNotFound(id);
        // Stock arriving meanwhile only makes more shippable, so what is owed now is a safe bound for the move too.
        var owed = await BackorderedAsync(preview, ct);
        OrderTransition planned;
        try
        {
            planned = preview.Ship(units, owed, actor, "preview", clock.GetUtcNow());
        }
        catch (Exception e) when (e is InvalidOrderMove or UnitsBackordered or OrderInputException && requestKey is not null)
        {
            // The same request, repeated at the same time, may have shipped it since the check above.
            if (await AlreadyDoneAsync(id, requestKey, ship, ct)) return;
            throw;
        }
        var note = string.IsNullOrWhiteSpace(reason) ? "shipped" : reason;
        var args = new OrderEffectRunner.Args { Actor = actor, Reason = note };
        // The capture (the ship rows' effect) is taken before the shipment is recorded, so a failed one ships nothing.
        await _effects.RunAsync(OrderEffectRunner.Phase.BeforeMove, planned, id, preview.Lines, args, ct);
        await MoveAsync(id, o => o.Ship(units, owed, actor, note, clock.GetUtcNow()), args, ct, requestKey,
            OrderEffectRunner.In(OrderEffectRunner.Phase.BeforeMove, planned.Effects));
    }

    public async Task DeliverAsync(long id, string actor, CancellationToken ct = default, string? requestKey = null)
    {
        if (await AlreadyDoneAsync(id, requestKey, [OrderAction.Deliver], ct)) return;
        await MoveAsync(id, o => o.Apply(OrderAction.Deliver, actor, "delivered", clock.GetUtcNow()),
            new OrderEffectRunner.Args { Actor = actor, Reason = "delivered" }, ct, requestKey);
    }

    // Asks to send back the named units (every shipped unit not yet returned when none are named).
    public Task RequestReturnAsync(long id, IReadOnlyDictionary<string, int>? units, string actor, string reason, CancellationToken ct = default) =>
        MoveAsync(id, o => o.RequestReturn(units, actor, reason, clock.GetUtcNow()), new OrderEffectRunner.Args { Actor = actor, Reason = reason },
            ct);

    public async Task RejectReturnAsync(long id, string actor, string reason, CancellationToken ct = default, string? requestKey = null)
    {
        if (await AlreadyDoneAsync(id, requestKey, [OrderAction.RejectReturn], ct)) return;
        await MoveAsync(id, o => o.Apply(OrderAction.RejectReturn, actor, reason, clock.GetUtcNow()),
            new OrderEffectRunner.Args { Actor = actor, Reason = reason }, ct, requestKey);
    }

    // The named units came back (every shipped unit not yet returned when none are named): they go back on the shelf in
    // the transaction that records it; then what they were bought for (with their share of shipping and tax, less their
    // discount: RefundAllocation) is refunded, never more than is left captured.
    public async Task ReceiveReturnAsync(long id, IReadOnlyDictionary<string, int>? units, string actor, string reason, CancellationToken ct = default)
    {
        IReadOnlyDictionary<string, int> received = new Dictionary<string, int>();
        var share = RefundShare.None;
        var everything = false;
        var args = new OrderEffectRunner.Args { Actor = actor, Reason = reason };
        await MoveAsync(id, o =>
        {
            (var move, received, share) = o.ReceiveReturn(units, actor, reason, clock.GetUtcNow(), Platform.StoreCurrency.MinorUnitOf(o.Currency));
            everything = o.EverythingReturned;
            args.Units = received;
            return move;
        }, args, ct);

        var payment = await payments.GetAsync(id, ct) ?? throw new OrderNotFound(id);
        // The allocation makes every unit's parts add up to the total; once all are back, all that is left goes back.
        var left = payment.Captured - payment.Refunded;
        var refund = everything ? left : Math.Min(share.Total, left);
        if (refund <= 0) return;
        try
        {
            await RefundAsync(id, refund, actor, $"refund for the returned {Order.Describe(received)} ({share.Describe(payment.Currency)})", ct);
        }
        catch (PaymentFailed e)
        {
            throw new PaymentFailed(id, $"The return is received and restocked, but its refund of {refund:0.00} {payment.Currency} failed: {e.Message} Refund it from the order.");
        }
    }

    // Refunds `amount` (everything left when null); never more than was captured.
    // With a request key, a repeat after the refund was recorded answers as done; a repeat after a node was killed
    // anywhere before that record finds the refund's claim under the key and finishes it without refunding again
    // (Payments.RefundAsync).
    public async Task RefundAsync(long id, decimal? amount, string actor, string reason, CancellationToken ct = default, string? requestKey = null)
    {
        if (await AlreadyDoneAsync(id, requestKey, [OrderAction.RefundPart, OrderAction.RefundRest], ct)) return;
        var status = await StatusOfAsync(id, ct) ?? throw new OrderNotFound(id);
        var part = OrderTransitions.Find(status, OrderAction.RefundPart) ?? throw new InvalidOrderMove(id, status, OrderAction.RefundPart);
        var payment = await payments.GetAsync(id, ct) ?? throw new OrderNotFound(id);
        var refundable = payment.Captured - payment.Refunded;
        var refund = amount ?? refundable;
        if (refund <= 0) throw new OrderInputException("amount", "A refund must be more than zero.");
        if (decimal.Round(refund, 2) != refund) throw new OrderInputException("amount", "A refund has at most two decimals.");
        // The move this refund makes (whether it leaves anything is known only once the payment row has taken it, so
        // the move recorded is chosen by what is left: both refund rows list the same effects, which MoveAsync checks).
        var planned = refund >= refundable ? OrderTransitions.Find(status, OrderAction.RefundRest) ?? part : part;
        var note = $"{(string.IsNullOrWhiteSpace(reason) ? "refund" : reason)} ({refund:0.00} {payment.Currency} refunded)";
        var args = new OrderEffectRunner.Args { Actor = actor, Reason = note, RefundAmount = refund, RefundKey = requestKey };
        await _effects.RunAsync(OrderEffectRunner.Phase.BeforeMove, planned, id, [], args, ct);
        var left = args.RefundLeft;
        await MoveAsync(id, o => o.Apply(left == 0 ? OrderAction.RefundRest : OrderAction.RefundPart, actor, note, clock.GetUtcNow()), args, ct,
            requestKey, OrderEffectRunner.In(OrderEffectRunner.Phase.BeforeMove, planned.Effects));
    }

    // The timeout job's step: cancels unpaid orders past their due time and finishes cancellations whose void a
    // stopped node left half-done. Safe on every node at once: each move is arbitrated by the order's version.
    public async Task<int> CancelUnpaidAsync(int batchSize, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var due = await db.Orders.AsNoTracking().Where(o => o.Status == OrderStatus.PendingPayment && o.PaymentDueBy <= now)
            .OrderBy(o => o.PaymentDueBy).Select(o => o.Id).Take(batchSize).ToListAsync(ct);
        var cancelled = 0;
        foreach (var id in due)
        {
            try
            {
                await EndUnshippedAsync(id, OrderAction.ExpireUnpaid, "system", "payment not completed in time", false, ct);
                cancelled++;
            }
            catch (Exception e) when (e is InvalidOrderMove or PaymentStateConflict)
            {
                // Paid or cancelled by someone else in the meantime.
            }
        }
        foreach (var id in await payments.ListVoidingAsync(now - TimeSpan.FromMinutes(1), batchSize, ct))
            await payments.CompleteVoidAsync(id, ct);
        return cancelled;
    }

    // Loads the order, lets `move` change it (by the table), writes it with its notification and performs the effects
    // its row lists (OrderEffectRunner) in one transaction; a void is told to the gateway after the commit. A concurrent
    // move on the same order makes the save fail (Version); it is retried on the fresh order, which then answers by its
    // new status. `performedBefore`: the row's effects that the caller already ran before the move (capture, refund).
    // With a request key, the move's timeline entry carries it (unique per order): a repeat of the same request that
    // races this one loses on that index and answers as done.
    private async Task<OrderTransition?> MoveAsync(long id, Func<Order, OrderTransition?> move, OrderEffectRunner.Args args,
        CancellationToken ct, string? requestKey = null, OrderEffects performedBefore = OrderEffects.None)
    {
        var inCallersTransaction = db.Database.CurrentTransaction is not null;
        OrderTransition? done = null;
        List<OrderLine> lines = [];
        for (var attempt = 1; done is null; attempt++)
        {
            try
            {
                // Inside a caller's transaction (Checkout placing a paid order) the move is part of it.
                await using var tx = inCallersTransaction ? null : await db.Database.BeginTransactionAsync(ct);
                var order = await db.Orders.Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new OrderNotFound(id);
                if (requestKey is not null && await db.OrderEvents.AnyAsync(e => e.OrderId == id && e.RequestKey == requestKey, ct)) return null;
                done = move(order);
                if (done is null) return null;
                if (OrderEffectRunner.In(OrderEffectRunner.Phase.BeforeMove, done.Effects) != performedBefore)
                    throw new InvalidOperationException(
                        $"Order {id}: {done.From} {done.Action} lists {done.Effects}, but {performedBefore} ran before the move.");
                if (inCallersTransaction && OrderEffectRunner.In(OrderEffectRunner.Phase.AfterCommit, done.Effects) != OrderEffects.None)
                    throw new InvalidOperationException($"Order {id}: {done.Action} has effects after its commit; it runs in its own transaction.");
                if (requestKey is not null) order.Events[^1].RequestKey = requestKey;
                var now = clock.GetUtcNow();
                db.OrderNotifications.Add(Notification(order, $"Order {OrderNumbers.Format(id)}: {Describe(done.To)}", $"{Describe(done.To)}. {order.Events[^1].Reason}", now));
                await db.SaveChangesAsync(ct);
                await _effects.RunAsync(OrderEffectRunner.Phase.InMove, done, id, order.Lines, args, ct);
                if (tx is not null) await tx.CommitAsync(ct);
                lines = order.Lines;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                done = null;
            }
            catch (DbUpdateException e) when (requestKey is not null && DbErrors.IsUniqueViolation(e))
            {
                // The same request made the move first.
                return null;
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        await _effects.RunAsync(OrderEffectRunner.Phase.AfterCommit, done!, id, lines, args, ct);
        return done;
    }

    // True when a request with this key already made one of `moves` on the order (its answer was lost and it is asked
    // again); the key of another kind of request is refused, so a key cannot be reused by mistake.
    private async Task<bool> AlreadyDoneAsync(long id, string? requestKey, OrderAction[] moves, CancellationToken ct)
    {
        if (requestKey is null) return false;
        var earlier = await db.OrderEvents.AsNoTracking().Where(e => e.OrderId == id && e.RequestKey == requestKey).Select(e => e.Action)
            .FirstOrDefaultAsync(ct);
        if (earlier is null) return false;
        if (moves.Any(m => m.ToString() == earlier)) return true;
        throw new RequestKeyReused(id, requestKey, earlier);
    }

    private static OrderNotification Notification(Order order, string subject, string body, DateTimeOffset now) =>
        new() { OrderId = order.Id, Email = order.Email, Subject = subject, Body = body, CreatedAt = now };

    // Units by SKU as the timeline and pages write them ("2 × SKU-1, 1 × SKU-2").
    public static string Describe(IReadOnlyDictionary<string, int> units) => Order.Describe(units);

    public static string Describe(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "Waiting for payment",
        OrderStatus.Paid => "Paid",
        OrderStatus.Fulfilling => "Being packed",
        OrderStatus.PartiallyShipped => "Partly shipped",
        OrderStatus.Shipped => "Shipped",
        OrderStatus.Delivered => "Delivered",
        OrderStatus.ReturnRequested => "Return requested",
        OrderStatus.Returned => "Returned",
        OrderStatus.PartiallyRefunded => "Partly refunded",
        OrderStatus.Refunded => "Refunded",
        _ => "Cancelled",
    };
}
