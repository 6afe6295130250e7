namespace Bazaar.Orders;

// Where an order goes. Validated by Checkout before an order is placed.
public sealed record ShippingAddress(string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone);

// An order: what was bought at which price, where it goes, and every move it made (Events).
// The status changes only through Apply, which follows OrderTransitions.Table.
public sealed class Order
{
    public const int MaxReasonLength = 300;
    public const int MaxActorLength = 120;

    public long Id { get; set; }

    // The cart it came from (a guest's cookie or an account): who may see it.
    public required string ShopperKey { get; set; }
    public string? CustomerId { get; set; }
    public required string Email { get; set; }
    public OrderStatus Status { get; set; }
    public required ShippingAddress ShipTo { get; set; }
    public required string ShippingMethod { get; set; }
    public required string ShippingMethodName { get; set; }
    public int DeliveryDaysMin { get; set; }
    public int DeliveryDaysMax { get; set; }
    public decimal Subtotal { get; set; }

    // Taken off the items by a coupon (CouponCode; DiscountReason is what the shopper was shown); the lines hold its
    // parts (OrderLine.Discount), which add up to it. Total = Subtotal - Discount + ShippingCost + Tax.
    public decimal Discount { get; set; }
    public string? CouponCode { get; set; }
    public string? DiscountReason { get; set; }
    public decimal ShippingCost { get; set; }
    public decimal TaxRate { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public string Currency { get; set; } = "USD";
    public DateTimeOffset PlacedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // An order still waiting for its payment at this time is cancelled and its stock goes back.
    public DateTimeOffset PaymentDueBy { get; set; }

    // Optimistic concurrency: of two moves racing on one order, only the first to save wins.
    public int Version { get; set; }

    // Simulated shopping history written by the demo seeder: it never touched stock or money, and says so.
    public bool Demo { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<OrderEvent> Events { get; set; } = [];

    public int UnitsUnshipped => Lines.Sum(l => l.Quantity - l.QuantityShipped);

    public OrderTransition Apply(OrderAction action, string actor, string reason, DateTimeOffset at)
    {
        var move = OrderTransitions.Find(Status, action) ?? throw new InvalidOrderMove(Id, Status, action);
        Events.Add(new OrderEvent { OrderId = Id, From = Status, To = move.To, Action = action.ToString(), Actor = Fit(actor, MaxActorLength), Reason = Fit(reason, MaxReasonLength), At = at });
        Status = move.To;
        UpdatedAt = at;
        Version++;
        return move;
    }

    public OrderTransition Ship(IReadOnlyDictionary<string, int>? units, string actor, string reason, DateTimeOffset at) =>
        Ship(units, new Dictionary<string, int>(), actor, reason, at);

    // Ships the given units (all that are in stock when none are named); the move is ShipRest when nothing is left after.
    // `backordered`: units by SKU still owed to the order (not in stock yet), which cannot ship.
    public OrderTransition Ship(IReadOnlyDictionary<string, int>? units, IReadOnlyDictionary<string, int> backordered, string actor, string reason, DateTimeOffset at)
    {
        if (OrderTransitions.Find(Status, OrderAction.ShipRest) is null) throw new InvalidOrderMove(Id, Status, OrderAction.ShipRest);
        int Owed(OrderLine l) => backordered.GetValueOrDefault(l.Sku);
        int InStock(OrderLine l) => l.Quantity - l.QuantityShipped - Owed(l);
        var blocked = units is null || units.Count == 0
            ? Lines.All(l => InStock(l) <= 0) ? Lines.Where(l => Owed(l) > 0).ToDictionary(l => l.Sku, Owed, StringComparer.Ordinal) : []
            : Lines.Where(l => Owed(l) > 0 && units.TryGetValue(l.Sku, out var q) && q > InStock(l) && q <= l.Quantity - l.QuantityShipped)
                .ToDictionary(l => l.Sku, Owed, StringComparer.Ordinal);
        if (blocked.Count > 0) throw new UnitsBackordered(Id, blocked, Lines.Where(l => InStock(l) > 0).ToDictionary(l => l.Sku, InStock, StringComparer.Ordinal));
        var plan = Plan(units, InStock, "ship");
        var rest = UnitsUnshipped - plan.Values.Sum();
        var move = Apply(rest == 0 ? OrderAction.ShipRest : OrderAction.ShipPart, actor, reason, at);
        foreach (var (sku, quantity) in plan) Lines.First(l => l.Sku == sku).QuantityShipped += quantity;
        return move;
    }

    // The shopper asks to send back the given units (all shipped and not yet returned when none are named); the
    // timeline records which.
    public OrderTransition RequestReturn(IReadOnlyDictionary<string, int>? units, string actor, string reason, DateTimeOffset at)
    {
        if (OrderTransitions.Find(Status, OrderAction.RequestReturn) is null) throw new InvalidOrderMove(Id, Status, OrderAction.RequestReturn);
        var plan = Plan(units, l => l.QuantityShipped - l.QuantityReturned, "return");
        return Apply(OrderAction.RequestReturn, actor, Note(reason, plan), at);
    }

    // The given units came back (all shipped and not yet returned when none are named). Returns them too, with what
    // they give back (RefundAllocation: their price, less their discount, with their share of shipping and tax), for
    // the restock and the refund, which are the facade's.
    public (OrderTransition Move, IReadOnlyDictionary<string, int> Units, RefundShare Refund) ReceiveReturn(
        IReadOnlyDictionary<string, int>? units, string actor, string reason, DateTimeOffset at, decimal minorUnit = 0.01m)
    {
        if (OrderTransitions.Find(Status, OrderAction.ReceiveReturn) is null) throw new InvalidOrderMove(Id, Status, OrderAction.ReceiveReturn);
        var plan = Plan(units, l => l.QuantityShipped - l.QuantityReturned, "return");
        var allocation = RefundAllocation.For(this, minorUnit);
        var refund = plan.Aggregate(RefundShare.None,
            (sum, p) => sum.Plus(allocation.ForUnits(p.Key, Lines.First(l => l.Sku == p.Key).QuantityReturned, p.Value)));
        var move = Apply(OrderAction.ReceiveReturn, actor, Note(reason, plan), at);
        foreach (var (sku, quantity) in plan) Lines.First(l => l.Sku == sku).QuantityReturned += quantity;
        return (move, plan, refund);
    }

    public bool EverythingReturned => Lines.All(l => l.QuantityReturned == l.Quantity);

    public static string Describe(IReadOnlyDictionary<string, int> units) =>
        string.Join(", ", units.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Value} x {u.Key}"));

    // The units named, or every unit `left` counts when none are; refused (naming the field "lines") when a line is
    // unknown, a count is below zero or above what is left, or nothing at all is named.
    private Dictionary<string, int> Plan(IReadOnlyDictionary<string, int>? units, Func<OrderLine, int> left, string verb)
    {
        var plan = units is null || units.Count == 0
            ? Lines.Where(l => left(l) > 0).ToDictionary(l => l.Sku, left, StringComparer.Ordinal)
            : units.ToDictionary(StringComparer.Ordinal);
        foreach (var (sku, quantity) in plan)
        {
            var line = Lines.FirstOrDefault(l => l.Sku == sku) ?? throw new OrderInputException("lines", $"The order has no line for {sku}.");
            if (quantity < 0 || quantity > left(line))
                throw new OrderInputException("lines", $"{sku}: {left(line)} unit(s) left to {verb}, not {quantity}.");
        }
        if (plan.Values.Sum() == 0)
            throw new OrderInputException("lines", units is null || units.Count == 0 ? $"Nothing is left to {verb}." : $"Nothing to {verb}: name at least one unit.");
        return plan.Where(p => p.Value > 0).ToDictionary(StringComparer.Ordinal);
    }

    // A reason with the units it is about; the reason is shortened, not the units, to fit the timeline.
    private static string Note(string reason, IReadOnlyDictionary<string, int> units)
    {
        var about = $" ({Describe(units)})";
        return reason[..Math.Min(reason.Length, Math.Max(0, MaxReasonLength - about.Length))] + about;
    }

    private static string Fit(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    public void RecordPlaced(string actor, DateTimeOffset at) =>
        Events.Add(new OrderEvent { OrderId = Id, From = null, To = Status, Action = "Place", Actor = actor, Reason = "order placed", At = at });
}

public sealed class OrderLine
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public required string Sku { get; set; }
    public int ProductId { get; set; }
    public required string Title { get; set; }
    public decimal UnitPrice { get; set; }
    public int Quantity { get; set; }
    public decimal LineTotal { get; set; }

    // The line's part of the order's discount (0 when the coupon is not for it).
    public decimal Discount { get; set; }
    public int QuantityShipped { get; set; }
    public int QuantityReturned { get; set; }

    // Units owed when the order was placed (the SKU was sold out and the shopper chose to back-order it). Inventory
    // keeps what is still owed (its back-order) and commits units to the order as stock arrives.
    public int QuantityBackordered { get; set; }
}

// One move on the timeline: from, to, what happened, who did it and why.
public sealed class OrderEvent
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public OrderStatus? From { get; set; }
    public OrderStatus To { get; set; }
    public required string Action { get; set; }
    public required string Actor { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset At { get; set; }

    // The Idempotency-Key of the admin request that made the move, if it sent one: unique per order, so a repeat of
    // that request (its answer lost) finds the move made and makes no other.
    public string? RequestKey { get; set; }
}

// A move the transition table (or, for shoppers, the shopper's share of it) does not allow; names the moves that are.
public sealed class InvalidOrderMove(long orderId, OrderStatus status, OrderAction action, IReadOnlyList<OrderAction>? allowed = null)
    : Exception($"Order {orderId} is {status}: it cannot {action}. Allowed: {Describe(allowed ?? OrderTransitions.AllowedFrom(status))}.")
{
    public long OrderId { get; } = orderId;
    public OrderStatus Status { get; } = status;
    public OrderAction Action { get; } = action;
    public IReadOnlyList<OrderAction> Allowed { get; } = allowed ?? OrderTransitions.AllowedFrom(status);

    private static string Describe(IReadOnlyList<OrderAction> allowed) => allowed.Count == 0 ? "nothing (final)" : string.Join(", ", allowed);
}

public sealed class RequestKeyReused(long orderId, string key, string earlierAction)
    : Exception($"The Idempotency-Key '{key}' was already used on order {orderId} for {earlierAction}. Use a new key for a new request.")
{
    public long OrderId { get; } = orderId;
}

public sealed class OrderInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

// Units asked to ship that are still back-ordered: they ship once stock arrives and is allocated to the order.
public sealed class UnitsBackordered(long orderId, IReadOnlyDictionary<string, int> backordered, IReadOnlyDictionary<string, int> inStock)
    : Exception($"Order {orderId}: {Order.Describe(backordered)} still back-ordered (not in stock yet), so not shippable; "
        + (inStock.Count == 0 ? "nothing can ship yet." : $"can ship now: {Order.Describe(inStock)}."))
{
    public long OrderId { get; } = orderId;
    public IReadOnlyDictionary<string, int> Backordered { get; } = backordered;
    public IReadOnlyDictionary<string, int> InStock { get; } = inStock;
}

public sealed class OrderNotFound(long orderId) : Exception($"There is no order {orderId}.")
{
    public long OrderId { get; } = orderId;
}
