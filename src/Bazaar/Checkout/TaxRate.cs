namespace Bazaar.Checkout;

// The tax rate for a country ("DE") or a region of one ("US-CA"); the most specific key wins at checkout. A country
// with no key at all is one the store does not ship to.
public sealed class TaxRate
{
    public required string Key { get; set; }

    // A fraction: 0.0725 is 7.25%.
    public decimal Rate { get; set; }
}
