using System.ComponentModel.DataAnnotations;

namespace Bazaar.Checkout;

public sealed class ShippingMethodOption
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal Price { get; set; }

    // Orders whose subtotal reaches this ship free by this method; null means never free.
    public decimal? FreeFrom { get; set; }
    public int DaysMin { get; set; }
    public int DaysMax { get; set; }
    public List<WeightBandOption> WeightBands { get; set; } = [];
}

public sealed class WeightBandOption
{
    public int UpToGrams { get; set; }
    public decimal Price { get; set; }
}

// The shipping methods and the tax table seed the database on the first start (Checkout:ShippingMethods,
// Checkout:TaxRates; without any, the defaults below); from then on the admin edits them there (ShippingAndTax).
// Tax rates are keyed by country ("DE") or country and region ("US-CA"); the most specific key wins, and a country
// absent from the table is one the store does not ship to.
public sealed class CheckoutOptions : IValidatableObject
{
    public const string Section = "Checkout";

    public List<ShippingMethodOption> ShippingMethods { get; set; } = [];
    public Dictionary<string, decimal> TaxRates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    // Checkouts placed at once on one node; the rest wait their turn in memory instead of queueing for database
    // connections (in a flash sale a thousand buyers check out together and would starve every other request).
    [Range(1, 10_000)]
    public int MaxConcurrentPlacements { get; set; } = 8;

    // New orders one shopper (a cart: an account or a guest's cookie) may try to place per minute on one node; the
    // attempt after them answers 429 with Retry-After. Repeating a request with its Idempotency-Key does not count.
    [Range(1, 1_000_000)]
    public int PlacementsPerShopperPerMinute { get; set; } = 10;

    // Checkout requests, new or repeating an earlier Idempotency-Key (a client asking how its 202 ended), one shopper
    // may send per minute on one node. A repeat places nothing, but one whose payment is still open asks the gateway
    // again, so repeats are not free. Counted before any work is done.
    [Range(1, 1_000_000)]
    public int RequestsPerShopperPerMinute { get; set; } = 30;

    // Checkout requests all shoppers behind one client address may send per minute on one node: a fresh guest cookie
    // per request must not buy a fresh limit. An office behind one NAT shares it, hence the higher default.
    [Range(1, 1_000_000)]
    public int RequestsPerClientPerMinute { get; set; } = 60;

    // How long a node prices quotes with the shipping and tax tables it read; an edit on the node itself applies at
    // once, an edit on another node within this interval.
    public TimeSpan RatesRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    public static readonly IReadOnlyList<ShippingMethodOption> DefaultShippingMethods =
    [
        new() { Code = "economy", Name = "Economy", Price = 2.99m, DaysMin = 5, DaysMax = 8 },
        new() { Code = "standard", Name = "Standard", Price = 4.99m, FreeFrom = 50m, DaysMin = 3, DaysMax = 5 },
        new() { Code = "express", Name = "Express", Price = 14.99m, DaysMin = 1, DaysMax = 2 },
    ];

    public static readonly IReadOnlyDictionary<string, decimal> DefaultTaxRates = new Dictionary<string, decimal>
    {
        ["US"] = 0m, ["US-CA"] = 0.0725m, ["US-NY"] = 0.04m, ["US-TX"] = 0.0625m, ["US-WA"] = 0.065m,
        ["CA"] = 0.05m, ["CA-ON"] = 0.13m, ["GB"] = 0.20m, ["DE"] = 0.19m, ["FR"] = 0.20m, ["NL"] = 0.21m,
    };

    public void ApplyDefaults()
    {
        if (ShippingMethods.Count == 0) ShippingMethods.AddRange(DefaultShippingMethods);
        if (TaxRates.Count == 0)
            foreach (var (key, rate) in DefaultTaxRates) TaxRates[key] = rate;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RatesRefreshInterval < TimeSpan.Zero || RatesRefreshInterval > TimeSpan.FromHours(1))
            yield return new ValidationResult("Checkout:RatesRefreshInterval is between 00:00:00 and 01:00:00.");
        for (var i = 0; i < ShippingMethods.Count; i++)
        {
            var m = ShippingMethods[i];
            var at = $"Checkout:ShippingMethods:{i}";
            if (string.IsNullOrWhiteSpace(m.Code) || string.IsNullOrWhiteSpace(m.Name)) yield return new ValidationResult($"{at} needs a Code and a Name.");
            if (m.Price < 0 || m.FreeFrom < 0) yield return new ValidationResult($"{at}: prices cannot be negative.");
            if (m.DaysMin < 0 || m.DaysMax < m.DaysMin) yield return new ValidationResult($"{at}: DaysMin must be at least 0 and at most DaysMax.");
            for (var b = 0; b < m.WeightBands.Count; b++)
                if (m.WeightBands[b].UpToGrams <= (b == 0 ? 0 : m.WeightBands[b - 1].UpToGrams) || m.WeightBands[b].Price < 0)
                    yield return new ValidationResult($"{at}:WeightBands:{b}: bands go from light to heavy (UpToGrams above the band before) at a price of 0 or more.");
        }
        if (ShippingMethods.GroupBy(m => m.Code, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            yield return new ValidationResult("Checkout:ShippingMethods: two methods share a Code.");
        foreach (var (key, rate) in TaxRates)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(key, "^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$"))
                yield return new ValidationResult($"Checkout:TaxRates:{key}: keys are a country (DE) or a country and region (US-CA).");
            if (rate is < 0 or > 1) yield return new ValidationResult($"Checkout:TaxRates:{key}: a rate is between 0 and 1 (0.19 for 19%).");
        }
    }
}
