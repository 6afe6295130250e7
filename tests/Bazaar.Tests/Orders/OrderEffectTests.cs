using System.Net;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Orders;

// A store on a fake clock (unpaid orders expire when a test says so) without the hold sweeper: only the moves under
// test change stock.
public class OrderEffectStore : CheckoutStore
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public OrderEffectStore()
    {
        With("Orders:PaymentTimeout", "00:15:00").WithServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ExpiredReservationSweeper)));
        });
    }
}

// Every row of the order transition table, made through the store on a real database: what the move did to the
// payment, the stock and the back-orders is what the row's Effects column lists, and nothing else.
public class OrderEffectTests(OrderEffectStore store) : IClassFixture<OrderEffectStore>
{
    private const string Actor = "admin:test";
    private readonly OrderEffectStore _store = store;

    public static TheoryData<OrderStatus, OrderAction> EveryRow()
    {
        var rows = new TheoryData<OrderStatus, OrderAction>();
        foreach (var t in OrderTransitions.Table) rows.Add(t.From, t.Action);
        return rows;
    }

    // One order of 3 x A (in stock) and 1 x B (sold out, back-ordered when it is paid; the unit arrives after). Every
    // effect of the table is visible on it.
    private sealed record TestOrder(long Id, string A, string B, HttpClient Shopper);

    private sealed record Observed(string PaymentStatus, decimal Captured, decimal Refunded, int OnHand, int PaidBackorders, int Unshipped,
        int Returned, IReadOnlyList<(OrderStatus From, OrderAction Action)> Moves);

    [Theory]
    [MemberData(nameof(EveryRow))]
    public async Task Money_moves_only_where_the_table_says(OrderStatus from, OrderAction action)
    {
        var order = await OrderInAsync(from);
        var before = await ObserveAsync(order);

        await DoAsync(order, action);

        var after = await ObserveAsync(order);
        var moves = after.Moves.Skip(before.Moves.Count).ToList();
        Assert.Equal((from, action), moves[0]);
        // Receiving a return refunds it as a second move (its own row); everything the call did is what its rows list.
        var listed = moves.Aggregate(OrderEffects.None, (all, m) => all | OrderTransitions.Find(m.From, m.Action)!.Effects);
        // A capture is taken once per order, at the first shipment: a later shipment's row finds it taken.
        if (before.Captured > 0) listed &= ~OrderEffects.CapturePayment;
        // These orders hold no coupon, so giving its use back moves nothing here (CouponTests watch it with one).
        listed &= ~OrderEffects.ReleaseCoupon;
        Assert.Equal(listed, EffectsBetween(before, after));
        if (listed.HasFlag(OrderEffects.RestockUnshipped)) Assert.Equal(before.OnHand + before.Unshipped, after.OnHand);
        order.Shopper.Dispose();
    }

    [Fact]
    public void Every_effect_in_the_table_is_performed_by_a_step_that_runs_inside_or_around_the_move()
    {
        var performed = OrderEffectRunner.Steps.Aggregate(OrderEffects.None, (all, s) => all | s.Effect);
        var listed = OrderTransitions.Table.Aggregate(OrderEffects.None, (all, t) => all | t.Effects);

        Assert.Equal(Enum.GetValues<OrderEffects>().Aggregate(OrderEffects.None, (all, e) => all | e), performed);
        Assert.Equal(listed, listed & performed);
        // The gateway calls that decide a move (capture, refund) run before it, never inside a transaction.
        Assert.Equal(OrderEffects.CapturePayment | OrderEffects.RefundPayment,
            OrderEffectRunner.In(OrderEffectRunner.Phase.BeforeMove, listed));
    }

    // What the store shows changed between two observations, named as the table's effects.
    private static OrderEffects EffectsBetween(Observed before, Observed after)
    {
        var effects = OrderEffects.None;
        if (after.Captured > before.Captured) effects |= OrderEffects.CapturePayment;
        if (after.Refunded > before.Refunded) effects |= OrderEffects.RefundPayment;
        if (after.PaymentStatus == "Voided" && before.PaymentStatus != "Voided") effects |= OrderEffects.VoidPayment;
        // A paid order's back-orders claim the units that arrive (an unpaid order's do not).
        if (after.PaidBackorders > before.PaidBackorders) effects |= OrderEffects.ClaimBackorders;
        var restocked = after.OnHand - before.OnHand;
        var returned = after.Returned - before.Returned;
        if (returned > 0 && restocked >= returned)
        {
            effects |= OrderEffects.RestockReturned;
            restocked -= returned;
        }
        if (restocked > 0) effects |= OrderEffects.RestockUnshipped;
        return effects;
    }

    private async Task<Observed> ObserveAsync(TestOrder order) =>
        await _store.WithAsync(async sp =>
        {
            var view = await sp.GetRequiredService<Bazaar.Orders.Orders>().GetAsync(order.Id) ?? throw new InvalidOperationException();
            var payment = await sp.GetRequiredService<Bazaar.Payments.Payments>().GetAsync(order.Id) ?? throw new InvalidOperationException();
            var inventory = sp.GetRequiredService<Bazaar.Inventory.Inventory>();
            var paid = await sp.GetRequiredService<BazaarDb>().Backorders.CountAsync(b => b.OrderId == order.Id && b.PaidAt != null);
            var onHand = (await inventory.GetStockAsync(order.A))!.OnHand + (await inventory.GetStockAsync(order.B))!.OnHand;
            var moves = view.Timeline.Where(e => e.From is not null)
                .Select(e => (Enum.Parse<OrderStatus>(e.From!), Enum.Parse<OrderAction>(e.Action))).ToList();
            return new Observed(payment.Status, payment.Captured, payment.Refunded, onHand, paid,
                view.Lines.Sum(l => l.Quantity - l.QuantityShipped), view.Lines.Sum(l => l.QuantityReturned), moves);
        });

    // A new order taken to `status` along the table's shortest path from a new order.
    private async Task<TestOrder> OrderInAsync(OrderStatus status)
    {
        var a = await _store.CreateStockedProductAsync(10);
        var b = await _store.CreateStockedProductAsync(0, backorderable: true);
        var shopper = await _store.ShopperWithCartAsync(a, 3);
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(shopper, "/api/cart/items", new { sku = b, quantity = 1 }))
            .EnsureSuccessStatusCode();
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var order = new TestOrder(await CheckoutScenario.OrderIdOf(placed), a, b, shopper);
        foreach (var step in PathTo(status))
        {
            await DoAsync(order, step, leaveReturned: step == OrderAction.ReceiveReturn);
            // The back-ordered unit arrives once the order is paid, and goes to it: the rest of the way is as for any order.
            if (step == OrderAction.ConfirmPayment)
                await _store.WithAsync(sp => sp.GetRequiredService<Bazaar.Inventory.Inventory>().ReceiveAsync(b, 1, Actor, "test delivery"));
        }
        Assert.Equal(status.ToString(), (await _store.WithAsync(sp => sp.GetRequiredService<Bazaar.Orders.Orders>().GetAsync(order.Id)))!.Status);
        return order;
    }

    private static List<OrderAction> PathTo(OrderStatus status)
    {
        var paths = new Dictionary<OrderStatus, List<OrderAction>> { [OrderStatus.PendingPayment] = [] };
        var frontier = new Queue<OrderStatus>([OrderStatus.PendingPayment]);
        while (frontier.TryDequeue(out var from))
            foreach (var t in OrderTransitions.Table.Where(t => t.From == from && !paths.ContainsKey(t.To)))
            {
                paths[t.To] = [.. paths[from], t.Action];
                frontier.Enqueue(t.To);
            }
        return paths[status];
    }

    // Makes the move as the store's callers do. `leaveReturned`: the gateway refuses the refund that follows a received
    // return, so that the order stays Returned (the only way it does).
    private async Task DoAsync(TestOrder order, OrderAction action, bool leaveReturned = false)
    {
        var units = new Dictionary<string, int> { [order.A] = 1 };
        switch (action)
        {
            case OrderAction.ConfirmPayment:
                var pay = (await _store.PaymentOfAsync(order.Id))!.PayUrl!;
                Assert.Equal(HttpStatusCode.OK, (await order.Shopper.PayOnGatewayAsync(pay, Bazaar.Payments.Sandbox.SandboxCard.Succeeds)).StatusCode);
                return;
            case OrderAction.ExpireUnpaid:
                _store.Clock.Advance(TimeSpan.FromMinutes(16));
                await _store.WithAsync(sp => sp.GetRequiredService<Bazaar.Orders.Orders>().CancelUnpaidAsync(100));
                // The store's own timeout job wakes on the same tick and may have made the move first: its call to the
                // gateway (the void's second half) is then still under way. Wait for it, 10 s at most.
                for (var i = 0; i < 200 && (await _store.PaymentOfAsync(order.Id))!.Status == "Voiding"; i++) await Task.Delay(50);
                return;
            case OrderAction.ReceiveReturn when leaveReturned:
                await SetGatewayRefundedAsync(order, all: true);
                await Assert.ThrowsAsync<PaymentFailed>(() => Orders(o => o.ReceiveReturnAsync(order.Id, units, Actor, "test")));
                await SetGatewayRefundedAsync(order, all: false);
                return;
        }
        await Orders(o => action switch
        {
            OrderAction.Cancel => o.CancelAsync(order.Id, Actor, "test", byShopper: false),
            OrderAction.StartFulfilment => o.StartFulfilmentAsync(order.Id, Actor),
            OrderAction.ShipPart => o.ShipAsync(order.Id, units, Actor, null),
            OrderAction.ShipRest => o.ShipAsync(order.Id, null, Actor, null),
            OrderAction.Deliver => o.DeliverAsync(order.Id, Actor),
            OrderAction.RequestReturn => o.RequestReturnAsync(order.Id, units, Actor, "test"),
            OrderAction.RejectReturn => o.RejectReturnAsync(order.Id, Actor, "test"),
            OrderAction.ReceiveReturn => o.ReceiveReturnAsync(order.Id, units, Actor, "test"),
            OrderAction.RefundPart => o.RefundAsync(order.Id, 1.00m, Actor, "test"),
            OrderAction.RefundRest => o.RefundAsync(order.Id, null, Actor, "test"),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        });
    }

    private Task Orders(Func<Bazaar.Orders.Orders, Task> use) =>
        _store.WithAsync(async sp =>
        {
            await use(sp.GetRequiredService<Bazaar.Orders.Orders>());
            return true;
        });

    // The sandbox's own ledger says the capture is refunded in full (or not at all), so it refuses (or takes) a refund.
    private async Task SetGatewayRefundedAsync(TestOrder order, bool all)
    {
        var id = (await _store.PaymentOfAsync(order.Id))!.GatewayPaymentId!;
        await _store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().SandboxPayments.Where(p => p.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Refunded, p => all ? p.Captured : 0m)));
    }
}
