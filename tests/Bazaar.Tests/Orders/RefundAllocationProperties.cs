using Bazaar.Orders;
using Bazaar.Payments;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bazaar.Tests.Orders;

// Random orders (lines, prices, quantities, shipping, tax rates), returned in random batches with goodwill refunds in
// between, through the domain objects as the Orders facade drives them. Every batch refunds its units' price with
// their share of shipping and tax to the cent; all batches together refund the order's total exactly; no refund ever
// takes the payment above what was captured; a full return ends Refunded. No database, no mocks.
public class RefundAllocationProperties
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    // DiscountPermille: the line's part of a coupon, in thousandths of the line's total (cut down to the cent).
    public sealed record Line(int PriceCents, int Quantity, int DiscountPermille);

    // Step: a batch of units to return (each unit of the order picked or not) or a goodwill refund of some cents.
    public sealed record Step(bool[] Picks, int GoodwillCents);

    public sealed record Script(Line[] Lines, int ShippingCents, int TaxBasisPoints, Step[] Steps);

    private static readonly Gen<Line> Lines =
        Gen.Zip(Gen.Zip(Gen.OneOf(Gen.Choose(0, 500), Gen.Choose(1, 250_000), Gen.Constant(999)), Gen.Choose(1, 7)),
                Gen.OneOf(Gen.Constant(0), Gen.Constant(0), Gen.Choose(0, 1000), Gen.Constant(1000), Gen.Constant(333)))
            .Select(t => new Line(t.Item1.Item1, t.Item1.Item2, t.Item2));

    private static readonly Gen<Script> Scripts =
        from lines in Gen.NonEmptyListOf(Lines).Select(l => l.Take(6).ToArray())
        from shipping in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 3_000), Gen.Constant(499))
        from tax in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 2_500), Gen.Constant(725))
        from steps in Gen.Zip(Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>()), Gen.OneOf(Gen.Constant(0), Gen.Constant(0), Gen.Choose(1, 5_000)))
            .Select(t => new Step(t.Item1, t.Item2)).ArrayOf()
        select new Script(lines, shipping, tax, steps.Take(8).ToArray());

    private static Order Delivered(Script script)
    {
        var lines = script.Lines.Select((l, i) => new OrderLine
        {
            Id = i + 1, Sku = $"S{i}", Title = $"S{i}", UnitPrice = l.PriceCents / 100m, Quantity = l.Quantity,
            LineTotal = l.PriceCents / 100m * l.Quantity, QuantityShipped = l.Quantity,
            Discount = decimal.Floor(l.PriceCents * l.Quantity * l.DiscountPermille / 1000m) / 100m,
        }).ToList();
        var subtotal = lines.Sum(l => l.LineTotal);
        var discount = lines.Sum(l => l.Discount);
        var shipping = script.ShippingCents / 100m;
        // As Checkout does it: tax is rounded once, on the whole order, after the discount.
        var tax = decimal.Round((subtotal - discount + shipping) * script.TaxBasisPoints / 10_000m, 2, MidpointRounding.AwayFromZero);
        return new Order
        {
            Id = 7, ShopperKey = "g:test", Email = "shopper@tests.local", Status = OrderStatus.Delivered,
            ShipTo = new ShippingAddress("Ada", "1 Main St", null, "Springfield", "CA", "90210", "US", null),
            ShippingMethod = "standard", ShippingMethodName = "Standard", Lines = lines,
            Subtotal = subtotal, Discount = discount, ShippingCost = shipping, TaxRate = script.TaxBasisPoints / 10_000m, Tax = tax,
            Total = subtotal - discount + shipping + tax,
        };
    }

    private static Payment Captured(Order order)
    {
        var payment = new Payment { OrderId = order.Id, Amount = order.Total, Status = PaymentStatus.Pending };
        payment.Authorise(order.Total, "Visa", "4242");
        payment.Apply(PaymentEvent.BeginCapture);
        payment.CompleteCapture("capture");
        return payment;
    }

    [Property(MaxTest = 1000)]
    public Property Every_unit_of_an_order_together_refunds_exactly_its_items_shipping_and_tax() =>
        Prop.ForAll(Scripts.ToArbitrary(), script =>
        {
            var order = Delivered(script);
            var allocation = RefundAllocation.For(order);
            var sum = RefundShare.None;
            foreach (var line in order.Lines)
            {
                var exactShipping = Exact(order, line, order.ShippingCost);
                var exactTax = Exact(order, line, order.Tax);
                for (var unit = 0; unit < line.Quantity; unit++)
                {
                    var share = allocation.ForUnits(line.Sku, unit, 1);
                    if (share.Items != line.UnitPrice || share.Shipping < 0 || share.Tax < 0 || share.Discount < 0 || share.Discount > share.Items)
                        return false.Label($"{line.Sku} unit {unit}: {share}");
                    var exactDiscount = line.Discount / line.Quantity;
                    if (unit < line.Quantity - 1 && (share.Discount > exactDiscount + 0.01m * line.Quantity || exactDiscount - share.Discount >= 0.01m))
                        return false.Label($"{line.Sku} unit {unit}: discount {share.Discount} against exact {exactDiscount}");
                    // Every unit but a line's last is its exact share cut down to the cent (twice at most: line, unit); the
                    // last line's units may carry a cent of each other line's remainder.
                    var above = 0.01m * (order.Lines.Count - 1);
                    if (unit < line.Quantity - 1 && (share.Shipping - exactShipping > above || exactShipping - share.Shipping >= 0.02m
                        || share.Tax - exactTax > above || exactTax - share.Tax >= 0.02m))
                        return false.Label($"{line.Sku} unit {unit}: {share} against exact shipping {exactShipping}, tax {exactTax}");
                    if (decimal.Round(share.Total, 2) != share.Total) return false.Label($"{line.Sku} unit {unit}: {share.Total} is not in cents");
                    sum = sum.Plus(share);
                }
                if (allocation.ForUnits(line.Sku, 0, line.Quantity) != Sum(allocation, line))
                    return false.Label($"{line.Sku}: the whole line is not the sum of its units");
            }
            return (sum.Items == order.Subtotal && sum.Discount == order.Discount && sum.Shipping == order.ShippingCost && sum.Tax == order.Tax
                    && sum.Total == order.Total)
                .Label($"units add up to {sum}, the order is {order.Subtotal} - {order.Discount} + {order.ShippingCost} + {order.Tax} = {order.Total}");
        });

    [Property(MaxTest = 1000)]
    public Property Returns_in_random_batches_with_goodwill_refunds_never_exceed_the_capture_and_a_full_return_refunds_it_all() =>
        Prop.ForAll(Scripts.ToArbitrary(), script =>
        {
            var order = Delivered(script);
            var payment = Captured(order);
            var allocated = RefundShare.None;
            var batches = script.Steps.Select(s => s.Picks).Append([]).ToList();
            for (var i = 0; i < batches.Count; i++)
            {
                var last = i == batches.Count - 1;
                var goodwill = last ? 0 : script.Steps[i].GoodwillCents / 100m;
                // Goodwill leaves at least a cent, so that the units can still come back.
                goodwill = Math.Min(goodwill, payment.Refundable - 0.01m);
                if (goodwill > 0 && OrderTransitions.Find(order.Status, OrderAction.RefundPart) is not null) Refund(order, payment, goodwill);
                // The last batch takes every unit still out; the others the units their picks name.
                var units = Batch(order, batches[i], everything: last);
                if (units.Count == 0) continue;
                // All the money went back before all the goods: nothing is left to give for the rest.
                if (order.Status == OrderStatus.Refunded) break;
                order.RequestReturn(units, "shopper", "step", Now);
                var refundedBefore = payment.Refunded;
                var (_, received, share) = order.ReceiveReturn(units, "admin", "step", Now);
                allocated = allocated.Plus(share);
                if (!received.OrderBy(r => r.Key).SequenceEqual(units.OrderBy(u => u.Key))) return false.Label("received other units than named");
                // As the facade: the batch's share, never above what is left; once everything is back, all that is left.
                var owed = order.EverythingReturned ? payment.Refundable : Math.Min(share.Total, payment.Refundable);
                if (owed > 0) Refund(order, payment, owed);
                if (payment.Refunded > payment.Captured) return false.Label($"refunded {payment.Refunded} of {payment.Captured}");
                if (!order.EverythingReturned && payment.Refunded - refundedBefore != Math.Min(share.Total, payment.Captured - refundedBefore))
                    return false.Label($"batch {Order.Describe(units)} refunded {payment.Refunded - refundedBefore}, its share is {share}");
            }
            return ((allocated.Total == order.Total || !order.EverythingReturned) && payment.Refunded == payment.Captured
                    // An order of nothing but free goods has nothing to refund and stays Returned.
                    && order.Status == (order.Total == 0 ? OrderStatus.Returned : OrderStatus.Refunded))
                .Label($"returned shares {allocated.Total} of {order.Total}; refunded {payment.Refunded} of {payment.Captured}; {order.Status}");
        });

    private static void Refund(Order order, Payment payment, decimal amount)
    {
        payment.Refund(amount);
        order.Apply(payment.Refundable == 0 ? OrderAction.RefundRest : OrderAction.RefundPart, "admin", "refund", Now);
    }

    private static Dictionary<string, int> Batch(Order order, bool[] picks, bool everything)
    {
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var line in order.Lines)
            for (var unit = line.QuantityReturned; unit < line.Quantity; unit++, n++)
                if (everything || (n < picks.Length && picks[n])) units[line.Sku] = units.GetValueOrDefault(line.Sku) + 1;
        return units;
    }

    // The line's unit's share of `amount` without any cutting: in proportion to what the line cost after its discount.
    private static decimal Exact(Order order, OrderLine line, decimal amount) =>
        order.Subtotal - order.Discount == 0
            ? amount / order.Lines.Sum(l => l.Quantity)
            : amount * (line.LineTotal - line.Discount) / (order.Subtotal - order.Discount) / line.Quantity;

    private static RefundShare Sum(RefundAllocation allocation, OrderLine line) =>
        Enumerable.Range(0, line.Quantity).Aggregate(RefundShare.None, (s, u) => s.Plus(allocation.ForUnits(line.Sku, u, 1)));
}
