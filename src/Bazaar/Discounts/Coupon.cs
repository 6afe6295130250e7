namespace Bazaar.Discounts;

public enum CouponKind
{
    // Value is a percentage of the goods it applies to (10 for 10% off).
    Percentage,

    // Value is an amount in the store currency, taken off the goods it applies to (never more than they cost).
    FixedAmount,
}

// A discount code the admin runs (/admin/coupons). It applies to the whole order, or only to the lines of the named
// categories (and the categories below them) or SKUs; from a minimum spend (the items' total); between StartsAt and
// EndsAt; at most UsageLimit times in all and PerCustomerLimit times per customer (an account, or a guest's e-mail).
// Used counts the orders that hold it now; it is raised only by a conditional update, so concurrent checkouts can
// never take it past UsageLimit.
public sealed class Coupon
{
    public int Id { get; set; }
    public required string Code { get; set; }

    // Shown to the shopper with the discount ("Winter sale: 10% off laptops").
    public required string Description { get; set; }
    public CouponKind Kind { get; set; }
    public decimal Value { get; set; }
    public List<int> CategoryIds { get; set; } = [];
    public List<string> Skus { get; set; } = [];
    public decimal? MinimumSpend { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public int? UsageLimit { get; set; }
    public int? PerCustomerLimit { get; set; }
    public int Used { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// One order that holds a coupon. Released (deleted, with Used lowered) when the order is cancelled.
public sealed class CouponRedemption
{
    public long Id { get; set; }
    public int CouponId { get; set; }
    public long OrderId { get; set; }

    // Who used it, for the per-customer limit: "account:{id}" or "email:{address}".
    public required string Customer { get; set; }
    public decimal Amount { get; set; }
    public DateTimeOffset At { get; set; }
}
