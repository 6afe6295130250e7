namespace Bazaar.Orders;

// What some units of an order give back, part by part. Discount is taken off (it was never paid).
public sealed record RefundShare(decimal Items, decimal Discount, decimal Shipping, decimal Tax)
{
    public static readonly RefundShare None = new(0m, 0m, 0m, 0m);

    public decimal Total => Items - Discount + Shipping + Tax;

    public RefundShare Plus(RefundShare other) =>
        new(Items + other.Items, Discount + other.Discount, Shipping + other.Shipping, Tax + other.Tax);

    public string Describe(string currency) =>
        $"items {Items:0.00}" + (Discount > 0 ? $", less discount {Discount:0.00}" : "")
        + $", shipping {Shipping:0.00}, tax {Tax:0.00}: {Total:0.00} {currency}";
}

// One order line as the allocation sees it. Discount: what the line was discounted in all (its part of the order's
// coupon, OrderLine.Discount).
public sealed record AllocatedLine(string Sku, decimal UnitPrice, int Quantity, decimal Discount);

// How an order's amounts split over its units, so that returning units refunds exactly their part and returning them
// all refunds exactly the order's total. Nothing here rounds to the nearest: shipping and tax go to the lines in
// proportion to what each line cost after discounts, each line's share cut down to the minor unit and the last line
// taking what is left; a line's share goes to its units the same way, the line's last unit taking what is left. So
// every share is at least zero, the units of a line differ by at most the line's remainder, and the sums are exact.
public sealed class RefundAllocation
{
    private readonly Dictionary<string, (AllocatedLine Line, decimal Shipping, decimal Tax)> lines =
        new(StringComparer.Ordinal);
    private readonly decimal minorUnit;

    public RefundAllocation(IReadOnlyList<AllocatedLine> lines, decimal shipping, decimal tax, decimal minorUnit)
    {
        if (minorUnit <= 0) throw new ArgumentOutOfRangeException(nameof(minorUnit), "The minor unit is above zero.");
        this.minorUnit = minorUnit;
        var weights = lines.Select(l => Math.Max(0m, l.UnitPrice * l.Quantity - l.Discount)).ToList();
        // Free lines only: split by units instead, so shipping and tax still go back with the goods.
        if (weights.Sum() == 0) weights = lines.Select(l => (decimal)l.Quantity).ToList();
        var shippingShares = Split(shipping, weights);
        var taxShares = Split(tax, weights);
        for (var i = 0; i < lines.Count; i++) this.lines[lines[i].Sku] = (lines[i], shippingShares[i], taxShares[i]);
    }

    public static RefundAllocation For(Order order, decimal minorUnit = 0.01m) =>
        new([.. order.Lines.OrderBy(l => l.Id).Select(l => new AllocatedLine(l.Sku, l.UnitPrice, l.Quantity, l.Discount))],
            order.ShippingCost, order.Tax, minorUnit);

    // Units `first` to `first + count - 1` (counting from 0) of the SKU's line: returns take a line's units in order,
    // so the unit that comes back last carries the line's remainders.
    public RefundShare ForUnits(string sku, int first, int count)
    {
        if (!lines.TryGetValue(sku, out var found))
            throw new ArgumentException($"The order has no line for {sku}.", nameof(sku));
        var (line, shipping, tax) = found;
        if (first < 0 || count < 0 || first + count > line.Quantity)
            throw new ArgumentOutOfRangeException(nameof(count), $"{sku} has {line.Quantity} unit(s), not {first + count}");
        return new RefundShare(line.UnitPrice * count, DiscountOfUnits(line, first, count),
            Units(shipping, line.Quantity, first, count), Units(tax, line.Quantity, first, count));
    }

    // The line's discount over its units like shipping and tax (an equal part cut down, the last unit the rest), except
    // that no unit is discounted below nothing: what the last unit cannot take goes to the unit before it, and so on.
    private decimal DiscountOfUnits(AllocatedLine line, int first, int count)
    {
        var each = Floor(line.Discount / line.Quantity);
        var left = line.Discount - each * line.Quantity;
        var sum = 0m;
        for (var unit = line.Quantity - 1; unit >= 0; unit--)
        {
            var extra = Math.Min(left, Math.Max(0m, line.UnitPrice - each));
            left -= extra;
            if (unit >= first && unit < first + count) sum += each + extra;
        }
        return sum;
    }

    // The share of `total` of units first..first+count-1 of `quantity` equal units: each unit gets an equal part cut
    // down to the minor unit, the last unit the rest.
    private decimal Units(decimal total, int quantity, int first, int count)
    {
        if (count == 0) return 0m;
        var each = Floor(total / quantity);
        var last = total - each * (quantity - 1);
        return first + count == quantity ? each * (count - 1) + last : each * count;
    }

    private decimal[] Split(decimal total, IReadOnlyList<decimal> weights)
    {
        var shares = new decimal[weights.Count];
        var sum = weights.Sum();
        var lastWeighted = -1;
        for (var i = 0; i < weights.Count; i++)
            if (weights[i] > 0) lastWeighted = i;
        if (lastWeighted < 0) return shares;
        for (var i = 0; i < weights.Count; i++)
            if (i != lastWeighted) shares[i] = Floor(total * weights[i] / sum);
        shares[lastWeighted] = total - shares.Sum();
        return shares;
    }

    private decimal Floor(decimal amount) => decimal.Floor(amount / minorUnit) * minorUnit;
}
