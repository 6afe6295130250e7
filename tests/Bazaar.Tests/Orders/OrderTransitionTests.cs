using Bazaar.Orders;

namespace Bazaar.Tests.Orders;

// The transition table, exhaustively: every (status, action) pair either moves as the table says or is refused.
public class OrderTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<OrderStatus, OrderAction> EveryPair()
    {
        var data = new TheoryData<OrderStatus, OrderAction>();
        foreach (var status in Enum.GetValues<OrderStatus>())
            foreach (var action in Enum.GetValues<OrderAction>())
                data.Add(status, action);
        return data;
    }

    internal static Order NewOrder(OrderStatus status) => new()
    {
        Id = 7,
        ShopperKey = "g:test",
        Email = "shopper@tests.local",
        Status = status,
        ShipTo = new ShippingAddress("Ada", "1 Main St", null, "Springfield", "CA", "90210", "US", null),
        ShippingMethod = "standard",
        ShippingMethodName = "Standard",
        Total = 20m,
        Lines = [new OrderLine { Sku = "A", Title = "A", UnitPrice = 5m, Quantity = 2, LineTotal = 10m }, new OrderLine { Sku = "B", Title = "B", UnitPrice = 10m, Quantity = 1, LineTotal = 10m }],
    };

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_status_and_action_moves_as_the_table_says_or_is_refused(OrderStatus status, OrderAction action)
    {
        var order = NewOrder(status);
        var expected = OrderTransitions.Table.SingleOrDefault(t => t.From == status && t.Action == action);

        if (expected is null)
        {
            var refused = Assert.Throws<InvalidOrderMove>(() => order.Apply(action, "admin:test", "because", Now));
            Assert.Equal(status, order.Status);
            Assert.Empty(order.Events);
            Assert.Equal(0, order.Version);
            Assert.Equal(OrderTransitions.AllowedFrom(status), refused.Allowed);
            Assert.Contains(status.ToString(), refused.Message, StringComparison.Ordinal);
            return;
        }

        var move = order.Apply(action, "admin:test", "because", Now);

        Assert.Equal(expected, move);
        Assert.Equal(expected.To, order.Status);
        var recorded = Assert.Single(order.Events);
        Assert.Equal((status, expected.To, action.ToString(), "admin:test", "because", Now), (recorded.From!.Value, recorded.To, recorded.Action, recorded.Actor, recorded.Reason, recorded.At));
        Assert.Equal(1, order.Version);
    }

    [Fact]
    public void The_table_has_one_row_per_status_and_action()
    {
        Assert.Equal(OrderTransitions.Table.Count, OrderTransitions.Table.Select(t => (t.From, t.Action)).Distinct().Count());
    }

    [Fact]
    public void Every_status_is_reachable_from_a_new_order()
    {
        var seen = new HashSet<OrderStatus> { OrderStatus.PendingPayment };
        var frontier = new Queue<OrderStatus>(seen);
        while (frontier.TryDequeue(out var from))
            foreach (var t in OrderTransitions.Table.Where(t => t.From == from))
                if (seen.Add(t.To)) frontier.Enqueue(t.To);
        Assert.Equal(Enum.GetValues<OrderStatus>().ToHashSet(), seen);
    }

    [Fact]
    public void Only_cancelled_and_refunded_orders_are_final()
    {
        var final = Enum.GetValues<OrderStatus>().Where(OrderTransitions.IsFinal).ToHashSet();
        Assert.Equal(new HashSet<OrderStatus> { OrderStatus.Cancelled, OrderStatus.Refunded }, final);
    }

    // What the store does for each row is OrderEffectTests.Money_moves_only_where_the_table_says; this is the table's shape.
    [Fact]
    public void The_table_captures_at_shipment_voids_before_it_and_refunds_only_after_a_capture()
    {
        foreach (var t in OrderTransitions.Table)
        {
            if (t.Effects.HasFlag(OrderEffects.CapturePayment)) Assert.Contains(t.To, new[] { OrderStatus.PartiallyShipped, OrderStatus.Shipped });
            if (t.Effects.HasFlag(OrderEffects.VoidPayment)) Assert.Contains(t.From, new[] { OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Fulfilling });
            if (t.Effects.HasFlag(OrderEffects.RefundPayment)) Assert.DoesNotContain(t.From, new[] { OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Fulfilling });
        }
    }

    [Theory]
    [InlineData(OrderStatus.PendingPayment, OrderAction.Cancel, true)]
    [InlineData(OrderStatus.Paid, OrderAction.Cancel, true)]
    [InlineData(OrderStatus.Fulfilling, OrderAction.Cancel, false)]
    [InlineData(OrderStatus.Delivered, OrderAction.RequestReturn, true)]
    [InlineData(OrderStatus.Shipped, OrderAction.RequestReturn, false)]
    [InlineData(OrderStatus.Shipped, OrderAction.Deliver, false)]
    [InlineData(OrderStatus.ReturnRequested, OrderAction.ReceiveReturn, false)]
    public void Shoppers_may_cancel_before_packing_and_ask_for_returns_after_delivery(OrderStatus status, OrderAction action, bool allowed) =>
        Assert.Equal(allowed, OrderTransitions.ShopperMay(status, action));

    [Fact]
    public void Shipping_some_units_is_a_partial_shipment_and_the_rest_completes_it()
    {
        var order = NewOrder(OrderStatus.Paid);

        Assert.Equal(OrderAction.ShipPart, order.Ship(new Dictionary<string, int> { ["A"] = 1 }, "admin", "first parcel", Now).Action);
        Assert.Equal(OrderStatus.PartiallyShipped, order.Status);
        Assert.Equal(OrderAction.ShipRest, order.Ship(null, "admin", "second parcel", Now).Action);

        Assert.Equal(OrderStatus.Shipped, order.Status);
        Assert.All(order.Lines, l => Assert.Equal(l.Quantity, l.QuantityShipped));
    }

    [Fact]
    public void Shipping_more_than_is_left_is_refused_and_changes_nothing()
    {
        var order = NewOrder(OrderStatus.Paid);

        var refused = Assert.Throws<OrderInputException>(() => order.Ship(new Dictionary<string, int> { ["A"] = 3 }, "admin", "too many", Now));

        Assert.Equal("lines", refused.Field);
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Empty(order.Events);
        Assert.All(order.Lines, l => Assert.Equal(0, l.QuantityShipped));
    }

    private static Order DeliveredOrder()
    {
        var order = NewOrder(OrderStatus.Paid);
        order.Ship(null, "admin", "parcel", Now);
        order.Apply(OrderAction.Deliver, "admin", "delivered", Now);
        return order;
    }

    [Fact]
    public void Receiving_some_units_back_marks_only_those_returned_and_the_timeline_names_them()
    {
        var order = DeliveredOrder();
        order.RequestReturn(new Dictionary<string, int> { ["A"] = 1 }, "shopper", "too small", Now);

        var (move, units, refund) = order.ReceiveReturn(new Dictionary<string, int> { ["A"] = 1, ["B"] = 0 }, "admin", "parcel back", Now);

        Assert.Equal(OrderStatus.Returned, move.To);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 1 }, units);
        Assert.Equal(5m, refund.Total);
        Assert.Equal([1, 0], order.Lines.Select(l => l.QuantityReturned));
        Assert.Equal(["too small (1 x A)", "parcel back (1 x A)"], order.Events.TakeLast(2).Select(e => e.Reason));
    }

    [Fact]
    public void A_return_cannot_name_more_than_was_shipped_and_not_returned_and_a_refused_one_changes_nothing()
    {
        var order = DeliveredOrder();
        order.RequestReturn(new Dictionary<string, int> { ["A"] = 2 }, "shopper", "too small", Now);
        order.ReceiveReturn(new Dictionary<string, int> { ["A"] = 2 }, "admin", "parcel back", Now);
        order.Apply(OrderAction.RefundPart, "admin", "refund", Now);
        var events = order.Events.Count;

        Assert.Equal("lines", Assert.Throws<OrderInputException>(() => order.RequestReturn(new Dictionary<string, int> { ["A"] = 1 }, "shopper", "again", Now)).Field);
        Assert.Equal("lines", Assert.Throws<OrderInputException>(() => order.RequestReturn(new Dictionary<string, int> { ["C"] = 1 }, "shopper", "again", Now)).Field);
        Assert.Equal("lines", Assert.Throws<OrderInputException>(() => order.RequestReturn(new Dictionary<string, int> { ["B"] = -1 }, "shopper", "again", Now)).Field);

        Assert.Equal((OrderStatus.PartiallyRefunded, events), (order.Status, order.Events.Count));
        Assert.Equal([2, 0], order.Lines.Select(l => l.QuantityReturned));
    }

    [Fact]
    public void A_long_reason_is_shortened_to_fit_the_timeline_but_keeps_the_units()
    {
        var order = DeliveredOrder();

        order.RequestReturn(new Dictionary<string, int> { ["B"] = 1 }, "shopper", new string('x', 400), Now);

        var reason = order.Events[^1].Reason;
        Assert.Equal(Order.MaxReasonLength, reason.Length);
        Assert.EndsWith("(1 x B)", reason, StringComparison.Ordinal);
    }
}
