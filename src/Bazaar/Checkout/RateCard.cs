using System.Globalization;

namespace Bazaar.Checkout;

public sealed record WeightBandView(int UpToGrams, decimal Price);

public sealed record ShippingMethodView(string Code, string Name, decimal Price, decimal? FreeFrom, int DaysMin, int DaysMax,
    IReadOnlyList<WeightBandView> WeightBands, int Position = 0);

// The shipping methods and tax rates as they stand (ShippingAndTax reads them from the database): what a quote is
// priced with. Immutable, so a quote and its placement price from one card.
public sealed record RateCard(IReadOnlyList<ShippingMethodView> Methods, IReadOnlyDictionary<string, decimal> TaxRates)
{
    public IReadOnlyList<string> Countries { get; } =
        TaxRates.Keys.Select(k => k[..2].ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();

    public bool ShipsTo(string country) => Countries.Contains(country);

    public ShippingMethodView? Method(string code) =>
        Methods.FirstOrDefault(m => string.Equals(m.Code, code, StringComparison.OrdinalIgnoreCase));

    // The most specific rate: country and region, then country.
    public decimal TaxRate(string country, string? region) =>
        region is not null && TaxRates.TryGetValue($"{country}-{region}", out var regional) ? regional
        : TaxRates.GetValueOrDefault(country);

    // What the method charges for goods worth `goods` (after discounts) weighing `grams` in all (null when an item's
    // weight is unknown): nothing from FreeFrom; else the weight band the parcel falls in; else the method's price.
    public static decimal Shipping(ShippingMethodView method, decimal goods, int? grams)
    {
        if (method.FreeFrom is { } free && goods >= free) return 0m;
        if (grams is { } weight && method.WeightBands.FirstOrDefault(b => weight <= b.UpToGrams) is { } band) return band.Price;
        return method.Price;
    }

    // How the method reads in a list: "$4.99 (free from $50.00)", "up to 1 kg 3.99, up to 5 kg 6.99, heavier 9.99".
    public static string Describe(ShippingMethodView method, string currency)
    {
        var price = method.WeightBands.Count == 0
            ? Money(method.Price, currency)
            : string.Join(", ", method.WeightBands.Select(b => $"up to {Grams(b.UpToGrams)} {Money(b.Price, currency)}"))
              + $", heavier {Money(method.Price, currency)}";
        return method.FreeFrom is { } free ? $"{price} (free from {Money(free, currency)})" : price;
    }

    public static string Grams(int grams) => grams >= 1000 && grams % 100 == 0
        ? (grams / 1000m).ToString("0.#", CultureInfo.InvariantCulture) + " kg"
        : grams.ToString(CultureInfo.InvariantCulture) + " g";

    private static string Money(decimal amount, string currency) => Bazaar.Platform.StoreCurrency.Format(amount, currency);
}
