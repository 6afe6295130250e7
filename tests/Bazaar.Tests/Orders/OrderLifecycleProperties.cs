using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bazaar.Tests.Orders;

// Random sequences of shopper, admin, gateway and clock actions on one order, through the domain objects and the
// effects the transition table names, keep every invariant of stock, payments and refunds. No database, no mocks.
public class OrderLifecycleProperties
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public enum Step
    {
        Authorise,
        Cancel,
        ExpireUnpaid,
        StartFulfilment,
        ShipOneUnit,
        ShipRest,
        Deliver,
        RequestReturn,
        RejectReturn,
        ReceiveReturn,
        ReceiveOneUnit,
        RefundSome,
        RefundRest,
        RefundTooMuch,
    }

    // One order of 2 x A and 1 x B; 5 of each received; the order's units held in the cart while it waits for its
    // payment, and committed when it is paid (as Checkout.CompletePaymentAsync does).
    private sealed class World
    {
        public Order Order { get; } = OrderTransitionTests.NewOrder(OrderStatus.PendingPayment);
        public Dictionary<string, StockItem> Stock { get; } = new()
        {
            ["A"] = new StockItem { Sku = "A", OnHand = 5 },
            ["B"] = new StockItem { Sku = "B", OnHand = 5 },
        };
        public Payment Payment { get; } = new() { OrderId = 7, Amount = 20m, Status = PaymentStatus.Pending };
        public int Captures { get; set; }
        public int Moves { get; set; }

        public World()
        {
            // The cart's holds, taken before checkout.
            foreach (var line in Order.Lines) Stock[line.Sku].Reserve(line.Quantity);
        }

        public bool Paid { get; set; }

        // Does what the Orders facade does for the step; a refusal leaves everything as it was.
        public void Run(Step step, decimal amount)
        {
            switch (step)
            {
                case Step.Authorise:
                    if (Payment.Status != PaymentStatus.Pending || Order.Status != OrderStatus.PendingPayment) return;
                    Payment.Authorise(Payment.Amount, "Visa", "4242");
                    Move(OrderAction.ConfirmPayment);
                    foreach (var l in Order.Lines) Stock[l.Sku].Commit(l.Quantity);
                    Paid = true;
                    return;
                case Step.Cancel:
                    EndUnshipped(OrderAction.Cancel);
                    return;
                case Step.ExpireUnpaid:
                    EndUnshipped(OrderAction.ExpireUnpaid);
                    return;
                case Step.StartFulfilment:
                    Move(OrderAction.StartFulfilment);
                    return;
                case Step.ShipOneUnit or Step.ShipRest:
                    var line = Order.Lines.First(l => l.QuantityShipped < l.Quantity || Order.UnitsUnshipped == 0);
                    var units = step == Step.ShipRest ? null : new Dictionary<string, int> { [line.Sku] = 1 };
                    var preview = OrderTransitionTests.NewOrder(Order.Status);
                    for (var i = 0; i < Order.Lines.Count; i++) preview.Lines[i].QuantityShipped = Order.Lines[i].QuantityShipped;
                    preview.Ship(units, "admin", "preview", Now);
                    if (Payment.Status == PaymentStatus.Authorised)
                    {
                        Payment.Apply(PaymentEvent.BeginCapture);
                        Payment.CompleteCapture("cap_1");
                        Captures++;
                    }
                    else if (Payment.Status != PaymentStatus.Captured) throw new PaymentStateConflict(7, Payment.Status, "capture");
                    Order.Ship(units, "admin", "shipped", Now);
                    Moves++;
                    return;
                case Step.Deliver:
                    Move(OrderAction.Deliver);
                    return;
                case Step.RequestReturn:
                    Order.RequestReturn(null, "shopper", "step", Now);
                    Moves++;
                    return;
                case Step.RejectReturn:
                    Move(OrderAction.RejectReturn);
                    return;
                case Step.ReceiveReturn or Step.ReceiveOneUnit:
                    // As the facade: the units back on the shelf, then their price refunded within what is left captured.
                    var back = Order.ReceiveReturn(step == Step.ReceiveReturn ? null : new Dictionary<string, int> { [Order.Lines.FirstOrDefault(l => l.QuantityShipped > l.QuantityReturned)?.Sku ?? "A"] = 1 },
                        "admin", "step", Now);
                    Moves++;
                    foreach (var (sku, quantity) in back.Units) Stock[sku].Return(quantity);
                    var owed = Order.EverythingReturned ? Payment.Refundable : Math.Min(back.Refund.Total, Payment.Refundable);
                    if (owed <= 0) return;
                    Payment.Refund(owed);
                    Move(Payment.Refundable == 0 ? OrderAction.RefundRest : OrderAction.RefundPart);
                    return;
                default:
                    if (OrderTransitions.Find(Order.Status, OrderAction.RefundPart) is null) throw new InvalidOrderMove(7, Order.Status, OrderAction.RefundPart);
                    var refund = step switch
                    {
                        Step.RefundRest => Payment.Refundable,
                        Step.RefundTooMuch => Payment.Refundable + 0.01m,
                        _ => Math.Min(amount, Payment.Refundable),
                    };
                    if (refund <= 0) return;
                    Payment.Refund(refund);
                    Move(Payment.Refundable == 0 ? OrderAction.RefundRest : OrderAction.RefundPart);
                    return;
            }
        }

        private void EndUnshipped(OrderAction action)
        {
            var move = OrderTransitions.Find(Order.Status, action) ?? throw new InvalidOrderMove(7, Order.Status, action);
            // The effects the table names, as the facade performs them.
            if (move.Effects.HasFlag(OrderEffects.VoidPayment)) Payment.Apply(PaymentEvent.BeginVoid);
            Move(action);
            if (move.Effects.HasFlag(OrderEffects.RestockUnshipped))
                foreach (var l in Order.Lines.Where(l => l.Quantity > l.QuantityShipped)) Stock[l.Sku].Return(l.Quantity - l.QuantityShipped);
            if (move.Effects.HasFlag(OrderEffects.VoidPayment)) Payment.Apply(PaymentEvent.CompleteVoid);
        }

        private void Move(OrderAction action)
        {
            Order.Apply(action, "test", "step", Now);
            Moves++;
        }

        public string? BrokenInvariant()
        {
            foreach (var s in Stock.Values)
            {
                if (s.Reserved < 0 || s.Reserved > s.OnHand) return $"{s.Sku}: reserved {s.Reserved}, on hand {s.OnHand}";
                var line = Order.Lines.Single(l => l.Sku == s.Sku);
                if (!Paid)
                {
                    // Never paid, never placed: the units are still the cart's holds, on the shelf.
                    if (s.OnHand != 5 || s.Reserved != line.Quantity) return $"{s.Sku}: unpaid, but on hand {s.OnHand}, reserved {s.Reserved}";
                    continue;
                }
                var away = Order.Status == OrderStatus.Cancelled ? line.QuantityShipped - line.QuantityReturned : line.Quantity - line.QuantityReturned;
                if (s.OnHand + away != 5) return $"{s.Sku}: on hand {s.OnHand} + away {away} != 5 received";
            }
            if (Captures > 1) return $"captured {Captures} times";
            if (Payment.Captured is not 0m && Payment.Captured != Payment.Authorised) return $"captured {Payment.Captured} of {Payment.Authorised}";
            if (Payment.Refunded > Payment.Captured) return $"refunded {Payment.Refunded} > captured {Payment.Captured}";
            if (Order.Status == OrderStatus.Cancelled && (Payment.Status != PaymentStatus.Voided || Payment.Captured != 0)) return $"cancelled but payment {Payment.Status}, captured {Payment.Captured}";
            if (Order.Lines.Any(l => l.QuantityShipped > 0) && Payment.Status != PaymentStatus.Captured) return $"shipped without a capture (payment {Payment.Status})";
            if (Order.Status == OrderStatus.Refunded && Payment.Refunded != Payment.Captured) return $"refunded status but {Payment.Refunded} of {Payment.Captured}";
            if (Order.Status == OrderStatus.Shipped && Order.UnitsUnshipped != 0) return "shipped with units left";
            if (Order.Status == OrderStatus.PartiallyShipped && (Order.UnitsUnshipped == 0 || Order.Lines.All(l => l.QuantityShipped == 0))) return "partly shipped but not partly";
            if (Order.Events.Count != Moves) return $"{Moves} moves but {Order.Events.Count} recorded";
            return null;
        }
    }

    private static readonly Gen<(Step Step, decimal Amount)[]> Scripts =
        Gen.Zip(Gen.Elements(Enum.GetValues<Step>()), Gen.Choose(1, 2500).Select(c => c / 100m)).ArrayOf();

    [Property(MaxTest = 500)]
    public Property Random_action_sequences_keep_stock_payments_and_refunds_consistent() =>
        Prop.ForAll(Scripts.ToArbitrary(), script =>
        {
            var world = new World();
            foreach (var (step, amount) in script)
            {
                var before = (world.Order.Status, world.Payment.Status, world.Payment.Captured, world.Payment.Refunded, world.Order.Events.Count,
                    world.Stock["A"].OnHand, world.Stock["B"].OnHand);
                try
                {
                    world.Run(step, amount);
                }
                catch (Exception e) when (e is InvalidOrderMove or PaymentStateConflict or RefundExceedsCapture or OrderInputException)
                {
                    // A refused step changes nothing.
                    var after = (world.Order.Status, world.Payment.Status, world.Payment.Captured, world.Payment.Refunded, world.Order.Events.Count,
                        world.Stock["A"].OnHand, world.Stock["B"].OnHand);
                    if (before != after) return false.Label($"{step} was refused ({e.GetType().Name}) but changed {before} to {after}");
                }
                if (world.BrokenInvariant() is { } broken) return false.Label($"after {step}: {broken}");
            }
            return true.ToProperty();
        });
}
