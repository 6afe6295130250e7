using System.Globalization;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Discounts;

// A cart line as a coupon sees it: what it is (SKU, the category and those above it) and what it costs.
public sealed record DiscountLine(string Sku, IReadOnlyList<int> CategoryPath, decimal LineTotal);

// The coupon applied to a cart: Amount in all, split over the lines it applies to (by SKU; the parts add up to Amount
// exactly), and the reason the shopper is shown.
public sealed record AppliedDiscount(int CouponId, string Code, string Reason, decimal Amount, IReadOnlyDictionary<string, decimal> ByLine);

// Field names are the JSON names of CouponInput ("value", "endsAt"; "code" from the path).
public sealed class CouponInvalid(IDictionary<string, string[]> errors)
    : Exception("The coupon is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

// A coupon the shopper typed cannot be used (field couponCode): unknown, not valid now, below its minimum, nothing
// in the cart it applies to (400), or used up, in all or by this customer (UsedUp: 409, a state that others changed).
public sealed class CouponRefused(string message, bool usedUp = false) : Exception(message)
{
    public const string Field = "couponCode";
    public bool UsedUp { get; } = usedUp;
}

// The discounts facade: coupons for the admin to run, and for Checkout to apply (quote), redeem (placement, in its
// transaction) and release (a cancelled order, in the order's transaction).
public sealed class Discounts(BazaarDb db, Platform.StoreCurrency currency, TimeProvider clock)
{
    public const int MaxSkus = 200;
    public const int MaxCategories = 50;

    public static string? Normalise(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();

    // The discount `code` gives these lines, or why it gives none (CouponRefused). `customer`: who is buying when
    // known ("account:{id}" or "email:{address}"), for the per-customer limit.
    public async Task<AppliedDiscount> ApplyAsync(string code, IReadOnlyList<DiscountLine> lines, string? customer, CancellationToken ct = default)
    {
        var coupon = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct)
            ?? throw new CouponRefused($"There is no coupon '{code}'. Check the spelling, or remove it to check out without one.");
        var now = clock.GetUtcNow();
        if (!coupon.Active) throw new CouponRefused($"The coupon {code} is no longer valid.");
        if (coupon.StartsAt is { } starts && now < starts) throw new CouponRefused($"The coupon {code} is valid from {Day(starts)}, not yet.");
        if (coupon.EndsAt is { } ends && now >= ends) throw new CouponRefused($"The coupon {code} expired on {Day(ends)}.");
        var items = lines.Sum(l => l.LineTotal);
        if (coupon.MinimumSpend is { } minimum && items < minimum)
            throw new CouponRefused($"The coupon {code} needs items worth at least {Money(minimum)}; the cart has {Money(items)}, so add "
                + $"{Money(minimum - items)} more.");
        if (coupon.UsageLimit is { } limit && coupon.Used >= limit)
            throw new CouponRefused($"The coupon {code} has been used up (its limit of {limit} is reached).", usedUp: true);
        if (customer is not null && coupon.PerCustomerLimit is { } each
            && await db.CouponRedemptions.CountAsync(r => r.CouponId == coupon.Id && r.Customer == customer, ct) >= each)
            throw new CouponRefused($"You have already used the coupon {code} ({Times(each)} per customer).", usedUp: true);
        return Apply(coupon, lines);
    }

    private AppliedDiscount Apply(Coupon coupon, IReadOnlyList<DiscountLine> lines)
    {
        var eligible = lines.Where(l => AppliesTo(coupon, l)).ToList();
        var goods = eligible.Sum(l => l.LineTotal);
        if (eligible.Count == 0 || goods <= 0)
            throw new CouponRefused($"The coupon {coupon.Code} is for {Scope(coupon)} only, and nothing in the cart is.");
        // A percentage is the second amount that is rounded (docs/money.md): once, on the goods it applies to.
        var amount = coupon.Kind == CouponKind.Percentage
            ? decimal.Round(goods * coupon.Value / 100m, currency.Decimals, MidpointRounding.AwayFromZero)
            : Math.Min(coupon.Value, goods);
        return new AppliedDiscount(coupon.Id, coupon.Code, $"{coupon.Code}: {coupon.Description}", amount, Split(amount, eligible));
    }

    // The amount over the lines in proportion to their totals, each cut down to the minor unit; what is left goes a
    // minor unit at a time to the lines from the last, never above a line's total. So the parts add up exactly.
    private Dictionary<string, decimal> Split(decimal amount, IReadOnlyList<DiscountLine> lines)
    {
        var goods = lines.Sum(l => l.LineTotal);
        var unit = currency.MinorUnit;
        var shares = lines.Select(l => decimal.Floor(amount * l.LineTotal / goods / unit) * unit).ToArray();
        var left = amount - shares.Sum();
        for (var i = lines.Count - 1; left > 0; i = i == 0 ? lines.Count - 1 : i - 1)
        {
            var room = Math.Min(lines[i].LineTotal - shares[i], left);
            var step = Math.Min(room, unit);
            shares[i] += step;
            left -= step;
        }
        return lines.Select((l, i) => (l.Sku, Share: shares[i])).ToDictionary(x => x.Sku, x => x.Share, StringComparer.Ordinal);
    }

    private static bool AppliesTo(Coupon coupon, DiscountLine line) =>
        (coupon.CategoryIds.Count == 0 && coupon.Skus.Count == 0)
        || coupon.Skus.Contains(line.Sku, StringComparer.Ordinal)
        || line.CategoryPath.Any(coupon.CategoryIds.Contains);

    private static string Scope(Coupon coupon) => string.Join(" and ", new[]
    {
        coupon.CategoryIds.Count == 0 ? null : "some categories",
        coupon.Skus.Count == 0 ? null : coupon.Skus.Count <= 3 ? string.Join(", ", coupon.Skus) : "some products",
    }.OfType<string>());

    // Placing an order with the coupon, in the caller's transaction: one use, taken only while some are left (a
    // conditional update, which also locks the coupon's row, so the per-customer count after it sees every
    // concurrent redemption of this coupon).
    public async Task RedeemAsync(string code, decimal amount, long orderId, string customer, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A coupon is redeemed in the transaction that writes its order.");
        var taken = await db.Coupons.Where(c => c.Code == code && c.Active && (c.UsageLimit == null || c.Used < c.UsageLimit))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Used, c => c.Used + 1), ct);
        if (taken == 0)
            throw new CouponRefused($"The coupon {code} has just been used up (or withdrawn). Nothing was placed: remove it to check "
                + "out without it.", usedUp: true);
        var coupon = await db.Coupons.AsNoTracking().FirstAsync(c => c.Code == code, ct);
        if (coupon.PerCustomerLimit is { } each && await db.CouponRedemptions.CountAsync(r => r.CouponId == coupon.Id && r.Customer == customer, ct) >= each)
            throw new CouponRefused($"You have already used the coupon {code} ({Times(each)} per customer). Nothing was placed.", usedUp: true);
        db.CouponRedemptions.Add(new CouponRedemption
        {
            CouponId = coupon.Id, OrderId = orderId, Customer = customer, Amount = amount, At = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    // A cancelled order gives its coupon use back, in the order's transaction.
    public async Task ReleaseAsync(long orderId, CancellationToken ct = default)
    {
        var held = await db.CouponRedemptions.AsNoTracking().Where(r => r.OrderId == orderId).ToListAsync(ct);
        foreach (var redemption in held)
        {
            if (await db.CouponRedemptions.Where(r => r.Id == redemption.Id).ExecuteDeleteAsync(ct) == 0) continue;
            await db.Coupons.Where(c => c.Id == redemption.CouponId && c.Used > 0)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Used, c => c.Used - 1), ct);
        }
    }

    public static string CustomerOf(string? customerId, string? email) =>
        customerId is not null ? "account:" + customerId : "email:" + (email ?? "").Trim().ToLowerInvariant();

    private string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + currency.Code;

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Times(int n) => n == 1 ? "once" : $"{n} times";
}
