using Microsoft.Extensions.Options;

namespace Bazaar.Platform;

// The store's one currency (Store:Currency) and its minor unit. Prices in any other currency are refused where they
// enter (product writes, imports); nothing converts between currencies (docs/decisions/0009).
public sealed class StoreCurrency(IOptions<StoreCurrencyOptions> options)
{
    // ISO 4217 currencies without minor units, and those with three; every other has two.
    private static readonly HashSet<string> NoDecimals = new(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimals = new(StringComparer.Ordinal) { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };

    public string Code => options.Value.Currency;

    public int Decimals => DecimalsOf(Code);

    // The smallest amount: 0.01 for USD, 1 for JPY.
    public decimal MinorUnit => MinorUnitOf(Code);

    // An amount as shoppers read it, with the currency's sign: "$1,234.50", "€9.99", "¥1,200", "12.50 CHF". The process
    // runs with invariant globalization, so the sign is ours to choose rather than a culture's.
    public static string Format(decimal amount, string? currency)
    {
        var code = string.IsNullOrWhiteSpace(currency) ? "USD" : currency.ToUpperInvariant();
        var number = amount.ToString(DecimalsOf(code) switch { 0 => "#,0", 3 => "#,0.000", _ => "#,0.00" },
            System.Globalization.CultureInfo.InvariantCulture);
        return code switch
        {
            "USD" => "$" + number,
            "EUR" => "€" + number,
            "GBP" => "£" + number,
            "JPY" => "¥" + number,
            "CAD" => "CA$" + number,
            "AUD" => "A$" + number,
            _ => $"{number} {code}",
        };
    }

    public static int DecimalsOf(string currency) => NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    public static decimal MinorUnitOf(string currency) => DecimalsOf(currency) == 0 ? 1m : 0.01m;

    // Whether the amount is a whole number of minor units (no rounding happens where prices enter; they are refused).
    public bool IsWhole(decimal amount) => decimal.Round(amount, Decimals) == amount;

    public bool Is(string? currency) => string.Equals(currency, Code, StringComparison.Ordinal);

    public string Refusal(string given) =>
        $"This store sells in {Code} (Store:Currency); a price in {given} is refused. Give the price in {Code}, or leave the currency out.";
}
