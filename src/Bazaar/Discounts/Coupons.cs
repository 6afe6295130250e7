using System.Globalization;
using System.Text.RegularExpressions;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Discounts;

// Kind: "percentage" or "fixedAmount". CategoryIds and Skus: what it applies to (both empty: the whole order).
public sealed record CouponInput(string? Description, string? Kind, decimal? Value, IReadOnlyList<int>? CategoryIds = null,
    IReadOnlyList<string>? Skus = null, decimal? MinimumSpend = null, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null,
    int? UsageLimit = null, int? PerCustomerLimit = null, bool Active = true);

public sealed record CouponView(string Code, string Description, string Kind, decimal Value, IReadOnlyList<int> CategoryIds,
    IReadOnlyList<string> Skus, decimal? MinimumSpend, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? UsageLimit,
    int? PerCustomerLimit, int Used, bool Active);

// The coupons the admin runs (/admin/coupons, /api/admin/coupons): created and changed by code, validated.
public sealed partial class Coupons(BazaarDb db, Catalog.Catalog catalog, Platform.StoreCurrency currency, TimeProvider clock)
{
    public async Task<IReadOnlyList<CouponView>> ListAsync(CancellationToken ct = default) =>
        (await db.Coupons.AsNoTracking().OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Code).Take(500).ToListAsync(ct)).Select(View).ToList();

    public async Task<CouponView?> GetAsync(string code, CancellationToken ct = default)
    {
        var key = Discounts.Normalise(code);
        return await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Code == key, ct) is { } coupon ? View(coupon) : null;
    }

    private static CouponView View(Coupon c) => new(c.Code, c.Description, Kind(c.Kind), c.Value, c.CategoryIds, c.Skus, c.MinimumSpend,
        c.StartsAt, c.EndsAt, c.UsageLimit, c.PerCustomerLimit, c.Used, c.Active);

    private static string Kind(CouponKind kind) => kind == CouponKind.Percentage ? "percentage" : "fixedAmount";

    // Creates the coupon or changes it; the code names it and never changes.
    public async Task<CouponView> SaveAsync(string? code, CouponInput input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var key = Discounts.Normalise(code) ?? "";
        if (!CodePattern().IsMatch(key)) errors["code"] = ["A code is 3 to 40 letters, digits, hyphens and underscores (e.g. WINTER-10)."];
        var description = input.Description?.Trim() ?? "";
        if (description.Length == 0) errors["description"] = ["Say what the coupon gives; shoppers see it (e.g. 10% off laptops)."];
        else if (description.Length > 200) errors["description"] = ["The description must be at most 200 characters."];
        CouponKind? kind = input.Kind?.Trim().ToLowerInvariant() switch
        {
            "percentage" => CouponKind.Percentage,
            "fixedamount" or "fixed-amount" or "fixed" => CouponKind.FixedAmount,
            _ => null,
        };
        if (kind is null) errors["kind"] = ["The kind is percentage or fixedAmount."];
        if (input.Value is not { } value) errors["value"] = ["The value is required: a percentage (10 for 10% off) or an amount."];
        else if (kind == CouponKind.Percentage && (value <= 0 || value > 100 || decimal.Round(value, 2) != value))
            errors["value"] = ["A percentage is above 0 and at most 100, with at most two decimals."];
        else if (kind == CouponKind.FixedAmount && (value <= 0 || value >= 1_000_000m || !currency.IsWhole(value)))
            errors["value"] = [$"An amount is above 0, below 1000000 and in whole {currency.Code} cents."];
        if (input.MinimumSpend is { } minimum && (minimum < 0 || minimum >= 1_000_000m || !currency.IsWhole(minimum)))
            errors["minimumSpend"] = [$"The minimum spend is 0 or more, below 1000000, in whole {currency.Code} cents."];
        if (input.StartsAt is { } starts && input.EndsAt is { } ends && ends <= starts)
            errors["endsAt"] = ["The coupon must end after it starts."];
        if (input.UsageLimit is < 1 or > 10_000_000) errors["usageLimit"] = ["The usage limit is 1 or more (empty for none)."];
        if (input.PerCustomerLimit is < 1 or > 10_000) errors["perCustomerLimit"] = ["The limit per customer is 1 or more (empty for none)."];
        var categoryIds = (input.CategoryIds ?? []).Distinct().ToList();
        if (categoryIds.Count > Discounts.MaxCategories) errors["categoryIds"] = [$"At most {Discounts.MaxCategories} categories."];
        else if (categoryIds.Count > 0)
        {
            var known = Catalog.Catalog.Flatten(await catalog.GetCategoryTreeAsync(ct)).Select(c => c.Id).ToHashSet();
            if (categoryIds.Where(id => !known.Contains(id)).ToList() is { Count: > 0 } unknown)
                errors["categoryIds"] = [$"No category has the id {string.Join(", ", unknown)}."];
        }
        var skus = (input.Skus ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (skus.Count > Discounts.MaxSkus) errors["skus"] = [$"At most {Discounts.MaxSkus} SKUs."];
        else
        {
            var unknown = new List<string>();
            foreach (var sku in skus)
                if (await catalog.FindProductIdBySkuAsync(sku, ct) is null) unknown.Add(sku);
            if (unknown.Count > 0) errors["skus"] = [$"No product has the SKU {string.Join(", ", unknown)}."];
        }
        if (errors.Count > 0) throw new CouponInvalid(errors);

        var now = clock.GetUtcNow();
        var coupon = await db.Coupons.FirstOrDefaultAsync(c => c.Code == key, ct);
        if (coupon is null)
        {
            coupon = new Coupon { Code = key, Description = description, CreatedAt = now };
            db.Coupons.Add(coupon);
        }
        else if (input.UsageLimit is { } limit && limit < coupon.Used)
            throw new CouponInvalid(new Dictionary<string, string[]>
            {
                ["usageLimit"] = [$"{key} is already used {coupon.Used} times; the limit cannot be below that."],
            });
        coupon.Description = description;
        coupon.Kind = kind!.Value;
        coupon.Value = input.Value!.Value;
        coupon.CategoryIds = categoryIds;
        coupon.Skus = skus;
        coupon.MinimumSpend = input.MinimumSpend;
        coupon.StartsAt = input.StartsAt;
        coupon.EndsAt = input.EndsAt;
        coupon.UsageLimit = input.UsageLimit;
        coupon.PerCustomerLimit = input.PerCustomerLimit;
        coupon.Active = input.Active;
        coupon.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) || DbErrors.IsCheckViolation(e))
        {
            // Created by another admin at the same moment, or used meanwhile past the new limit.
            db.ChangeTracker.Clear();
            throw new CouponInvalid(new Dictionary<string, string[]> { ["code"] = [$"{key} changed meanwhile; load it again and retry."] });
        }
        db.ChangeTracker.Clear();
        return View(coupon);
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9_-]{2,39}$")]
    private static partial Regex CodePattern();
}
