using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bazaar.Checkout;

// Names one quote: its lines (SKU, units, unit price, back-ordered or not), shipping method and every amount. Two
// quotes with one hash charge the same for the same goods. Not a secret: the server recomputes the quote at placement
// and compares, so a client can only ever confirm what the server would charge anyway.
public static class CheckoutQuoteHash
{
    public static string Of(IReadOnlyList<CheckoutLineQuote> lines, string method, decimal subtotal, decimal shipping, decimal taxRate,
        decimal tax, decimal total, string currency, string? coupon = null, decimal discount = 0m)
    {
        var text = new StringBuilder();
        foreach (var l in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{l.Sku}|{l.Quantity}|{l.UnitPrice:0.00}|{(l.Backordered ? "b" : "")};");
        text.Append(CultureInfo.InvariantCulture, $"{method}|{subtotal:0.00}|{shipping:0.00}|{taxRate:0.#####}|{tax:0.00}|{total:0.00}|{currency}");
        // Only with a coupon, so that a quote without one keeps the hash it always had.
        if (coupon is not null) text.Append(CultureInfo.InvariantCulture, $"|{coupon}|{discount:0.00}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }
}

// The quote the shopper confirmed is not the one the server would charge now (the cart, a price, the address or the
// shipping changed). Nothing is placed; Current is the quote as it is now, for the shopper to confirm again.
public sealed class CheckoutQuoteChanged(CheckoutQuote current, decimal? expectedTotal)
    : Exception($"The total is now {CheckoutRules.Money(current.Total, current.Currency)}"
        + (expectedTotal is { } seen && seen != current.Total ? $", not {CheckoutRules.Money(seen, current.Currency)}" : "")
        + $" (items {current.Subtotal:0.00}{(current.Discount > 0 ? $", discount {current.Discount:0.00}" : "")}, shipping {current.ShippingCost:0.00}, tax {current.Tax:0.00}): the cart, a price, the address or"
        + " the shipping changed since the summary you confirmed. Nothing was placed; check the summary and place the order again.")
{
    public CheckoutQuote Current { get; } = current;
}
