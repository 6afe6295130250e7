using System.Globalization;
using System.Text.RegularExpressions;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Checkout;

public sealed record WeightBandInput(int? UpToGrams, decimal? Price);

public sealed record ShippingMethodInput(string? Name, decimal? Price, decimal? FreeFrom, int? DaysMin, int? DaysMax,
    IReadOnlyList<WeightBandInput>? WeightBands = null, int? Position = null);

// Rate: a fraction (0.0725 for 7.25%).
public sealed record TaxRateInput(decimal? Rate);

public sealed record TaxRateView(string Key, decimal Rate);

public sealed record RateChangeView(DateTimeOffset At, string Actor, string Subject, string Change);

// Field names are the JSON names of the inputs ("price", "weightBands[1].upToGrams"; "code" and "key" from the path).
public sealed class RatesInvalid(IDictionary<string, string[]> errors)
    : Exception("The shipping or tax input is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

// The shipping methods and tax rates the admin edits (/admin/shipping, /api/admin/shipping-methods and tax-rates),
// stored in the database; configuration (Checkout:ShippingMethods, Checkout:TaxRates) only seeds them on the first
// start. Every change is validated, then written with its audit entry (who, when, from what to what) in one
// transaction. Checkout prices every quote with CurrentAsync.
public sealed partial class ShippingAndTax(BazaarDb db, RateCardCache cache, Platform.StoreCurrency currency, TimeProvider clock)
{
    public const int MaxWeightBands = 20;
    public const decimal MaxAmount = 1_000_000m;

    public async Task<RateCard> CurrentAsync(CancellationToken ct = default)
    {
        if (cache.Fresh() is { } card) return card;
        var generation = cache.Generation;
        card = await LoadAsync(ct);
        cache.Keep(card, generation);
        return card;
    }

    private async Task<RateCard> LoadAsync(CancellationToken ct)
    {
        var methods = await db.ShippingMethods.AsNoTracking().Include(m => m.WeightBands).ToListAsync(ct);
        var rates = await db.TaxRates.AsNoTracking().ToListAsync(ct);
        return new RateCard(
            methods.OrderBy(m => m.Position).ThenBy(m => m.Code, StringComparer.Ordinal).Select(View).ToList(),
            rates.ToDictionary(r => r.Key, r => r.Rate, StringComparer.OrdinalIgnoreCase));
    }

    private static ShippingMethodView View(ShippingMethod m) => new(m.Code, m.Name, m.Price, m.FreeFrom, m.DaysMin, m.DaysMax,
        m.WeightBands.OrderBy(b => b.UpToGrams).Select(b => new WeightBandView(b.UpToGrams, b.Price)).ToList(), m.Position);

    public async Task<IReadOnlyList<RateChangeView>> HistoryAsync(int take = 100, CancellationToken ct = default) =>
        (await db.RateChanges.AsNoTracking().OrderByDescending(c => c.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(ct))
        .Select(c => new RateChangeView(c.At, c.Actor, c.Subject, c.Change)).ToList();

    // Adds the method, or changes it: the code names it and never changes.
    public async Task<ShippingMethodView> SaveMethodAsync(string? code, ShippingMethodInput input, string actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var key = MethodCode(code, errors);
        var method = Validate(key, input, errors);
        if (errors.Count > 0) throw new RatesInvalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.ShippingMethods.Include(m => m.WeightBands).FirstOrDefaultAsync(m => m.Code == key, ct);
        var before = existing is null ? null : View(existing);
        if (existing is null)
        {
            method.Position = input.Position ?? (await db.ShippingMethods.MaxAsync(m => (int?)m.Position, ct) ?? 0) + 1;
            db.ShippingMethods.Add(method);
        }
        else
        {
            existing.Name = method.Name;
            existing.Price = method.Price;
            existing.FreeFrom = method.FreeFrom;
            existing.DaysMin = method.DaysMin;
            existing.DaysMax = method.DaysMax;
            existing.Position = input.Position ?? existing.Position;
            db.WeightBands.RemoveRange(existing.WeightBands);
            await db.SaveChangesAsync(ct);
            existing.WeightBands = method.WeightBands;
            method = existing;
        }
        var after = View(method);
        var change = before is null ? "added: " + Describe(after) : Difference(before, after);
        if (change is not null) Audit(actor, $"shipping method {key}", change);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        cache.Forget();
        return after;
    }

    // False when there is no such method.
    public async Task<bool> DeleteMethodAsync(string code, string actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.ShippingMethods.Include(m => m.WeightBands).FirstOrDefaultAsync(m => m.Code == code.Trim().ToLowerInvariant(), ct);
        if (existing is null) return false;
        Audit(actor, $"shipping method {existing.Code}", "removed: " + Describe(View(existing)));
        db.ShippingMethods.Remove(existing);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        cache.Forget();
        return true;
    }

    public async Task<TaxRateView> SaveTaxRateAsync(string? key, TaxRateInput input, string actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var normalised = TaxKey(key, errors);
        if (input.Rate is not { } rate) errors["rate"] = ["The rate is required, as a fraction: 0.0725 for 7.25%."];
        else if (rate is < 0 or > 1) errors["rate"] = [$"A rate is between 0 and 1 (0.19 for 19%), not {rate.ToString(CultureInfo.InvariantCulture)}."];
        else if (decimal.Round(rate, 5) != rate) errors["rate"] = ["A rate has at most five decimals (0.07125 for 7.125%)."];
        if (errors.Count > 0) throw new RatesInvalid(errors);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.TaxRates.FirstOrDefaultAsync(r => r.Key == normalised, ct);
        var value = input.Rate!.Value;
        if (existing is null)
        {
            db.TaxRates.Add(new TaxRate { Key = normalised, Rate = value });
            Audit(actor, $"tax rate {normalised}", $"added: {Percent(value)}");
        }
        else if (existing.Rate != value)
        {
            Audit(actor, $"tax rate {normalised}", $"{Percent(existing.Rate)} -> {Percent(value)}");
            existing.Rate = value;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        cache.Forget();
        return new TaxRateView(normalised, value);
    }

    public async Task<bool> DeleteTaxRateAsync(string key, string actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var normalised = key.Trim().ToUpperInvariant();
        var existing = await db.TaxRates.FirstOrDefaultAsync(r => r.Key == normalised, ct);
        if (existing is null) return false;
        Audit(actor, $"tax rate {normalised}", $"removed: {Percent(existing.Rate)}");
        db.TaxRates.Remove(existing);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        cache.Forget();
        return true;
    }

    // First start only: the tables take the configured (or default) methods and rates once; from then on the database
    // is the truth, even when the admin empties a table. Safe when several nodes start at once.
    public async Task SeedAsync(CheckoutOptions options, CancellationToken ct = default)
    {
        if (await db.RateChanges.AnyAsync(ct) || await db.ShippingMethods.AnyAsync(ct) || await db.TaxRates.AnyAsync(ct)) return;
        var position = 0;
        foreach (var m in options.ShippingMethods)
            db.ShippingMethods.Add(new ShippingMethod
            {
                Code = m.Code.Trim().ToLowerInvariant(), Name = m.Name.Trim(), Price = m.Price, FreeFrom = m.FreeFrom, DaysMin = m.DaysMin,
                DaysMax = m.DaysMax, Position = ++position,
                WeightBands = m.WeightBands.Select(b => new WeightBand { UpToGrams = b.UpToGrams, Price = b.Price }).ToList(),
            });
        foreach (var (key, rate) in options.TaxRates) db.TaxRates.Add(new TaxRate { Key = key.Trim().ToUpperInvariant(), Rate = rate });
        Audit("system", "shipping and tax", $"seeded from configuration: {options.ShippingMethods.Count} method(s), {options.TaxRates.Count} tax rate(s)");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another node seeded first.
        }
        db.ChangeTracker.Clear();
        cache.Forget();
    }

    private void Audit(string actor, string subject, string change) =>
        db.RateChanges.Add(new RateChange
        {
            At = clock.GetUtcNow(), Actor = actor.Length <= 120 ? actor : actor[..120], Subject = subject,
            Change = change.Length <= 1000 ? change : change[..999] + "…",
        });

    private ShippingMethod Validate(string code, ShippingMethodInput input, Dictionary<string, string[]> errors)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) errors["name"] = ["The name is required (shoppers choose by it)."];
        else if (name.Length > 80) errors["name"] = ["The name must be at most 80 characters."];
        Amount(errors, "price", input.Price, required: true);
        Amount(errors, "freeFrom", input.FreeFrom, required: false);
        if (input.DaysMin is not { } min || min is < 0 or > 365) errors["daysMin"] = ["The fastest delivery is 0 to 365 days."];
        if (input.DaysMax is not { } max || max is < 0 or > 365) errors["daysMax"] = ["The slowest delivery is 0 to 365 days."];
        else if (input.DaysMin is { } least && max < least) errors["daysMax"] = [$"The slowest delivery ({max} days) cannot be faster than the fastest ({least})."];
        var bands = input.WeightBands ?? [];
        if (bands.Count > MaxWeightBands) errors["weightBands"] = [$"At most {MaxWeightBands} weight bands."];
        var previous = 0;
        for (var i = 0; i < bands.Count && bands.Count <= MaxWeightBands; i++)
        {
            var at = $"weightBands[{i}]";
            if (bands[i].UpToGrams is not { } grams || grams is <= 0 or > 1_000_000)
                errors[$"{at}.upToGrams"] = ["A band's weight is 1 to 1,000,000 grams."];
            else if (grams <= previous)
                errors[$"{at}.upToGrams"] = [$"Bands go from light to heavy: {grams} g is not above the band before ({previous} g)."];
            else previous = grams;
            Amount(errors, $"{at}.price", bands[i].Price, required: true);
        }
        if (input.Position is < 0 or > 10_000) errors["position"] = ["The position is 0 to 10,000."];
        return new ShippingMethod
        {
            Code = code, Name = name, Price = input.Price ?? 0m, FreeFrom = input.FreeFrom, DaysMin = input.DaysMin ?? 0, DaysMax = input.DaysMax ?? 0,
            WeightBands = bands.Select(b => new WeightBand { MethodCode = code, UpToGrams = b.UpToGrams ?? 0, Price = b.Price ?? 0m }).ToList(),
        };
    }

    private void Amount(Dictionary<string, string[]> errors, string field, decimal? amount, bool required)
    {
        if (amount is not { } value)
        {
            if (required) errors[field] = [$"The amount is required (in {currency.Code})."];
            return;
        }
        if (value < 0) errors[field] = ["An amount cannot be negative."];
        else if (value >= MaxAmount) errors[field] = [$"An amount is below {MaxAmount.ToString("0", CultureInfo.InvariantCulture)}."];
        else if (!currency.IsWhole(value))
            errors[field] = [$"{value.ToString(CultureInfo.InvariantCulture)} has more decimals than {currency.Code} has ({currency.Decimals})."];
    }

    private static string MethodCode(string? code, Dictionary<string, string[]> errors)
    {
        var value = code?.Trim().ToLowerInvariant() ?? "";
        if (!MethodCodePattern().IsMatch(value))
            errors["code"] = ["A method's code is 1 to 30 lowercase letters, digits and hyphens (e.g. standard, next-day)."];
        return value;
    }

    public static string TaxKey(string? key, Dictionary<string, string[]> errors)
    {
        var value = key?.Trim().ToUpperInvariant() ?? "";
        if (!TaxKeyPattern().IsMatch(value))
            errors["key"] = ["A tax rate is for a country (two letters, DE) or a region of one (US-CA)."];
        return value;
    }

    private static IReadOnlyList<(string Label, string Value)> Parts(ShippingMethodView m) =>
    [
        ("name", m.Name),
        ("price", m.Price.ToString("0.00", CultureInfo.InvariantCulture)),
        ("free from", m.FreeFrom is { } f ? f.ToString("0.00", CultureInfo.InvariantCulture) : "never"),
        ("days", $"{m.DaysMin}-{m.DaysMax}"),
        ("weight bands", m.WeightBands.Count == 0 ? "none"
            : string.Join(", ", m.WeightBands.Select(b => FormattableString.Invariant($"{b.UpToGrams} g {b.Price:0.00}")))),
    ];

    private static string Describe(ShippingMethodView m) => string.Join("; ", Parts(m).Select(p => $"{p.Label} {p.Value}"));

    // The parts that changed, "price 4.99 -> 5.99"; null when nothing did.
    private static string? Difference(ShippingMethodView before, ShippingMethodView after)
    {
        var changed = Parts(before).Zip(Parts(after)).Where(p => p.First.Value != p.Second.Value)
            .Select(p => $"{p.First.Label} {p.First.Value} -> {p.Second.Value}").ToList();
        return changed.Count == 0 ? null : string.Join("; ", changed);
    }

    private static string Percent(decimal rate) => (rate * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,29}$")]
    private static partial Regex MethodCodePattern();

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    private static partial Regex TaxKeyPattern();
}
