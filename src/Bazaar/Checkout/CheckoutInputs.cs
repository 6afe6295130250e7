using System.Globalization;
using System.Text.RegularExpressions;
using Bazaar.Orders;

namespace Bazaar.Checkout;

public sealed record AddressInput(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country, string? Phone);

// The body of POST /api/checkout. There are no prices in it: the server computes every amount. QuoteHash is the hash
// of the quote (POST /api/checkout/quote) the shopper saw and confirmed, ExpectedTotal its total (either or both);
// if the server's quote differs now, nothing is placed and the answer (409) carries the new one. There is no card in
// it either: the card is entered on the payment gateway's page, never sent to the store.
// CouponCode: a discount code (Discounts); a code that cannot be used refuses the quote and the placement (couponCode).
public sealed record CheckoutInput(string? Email, AddressInput? ShipTo, string? ShippingMethod, decimal? ExpectedTotal, bool SaveAddress = true,
    string? QuoteHash = null, string? CouponCode = null);

public sealed record QuoteInput(AddressInput? ShipTo, string? ShippingMethod, string? CouponCode = null);

public sealed class CheckoutInvalid(IDictionary<string, string[]> errors)
    : Exception("The checkout input is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static CheckoutInvalid One(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

// Validation of what the shopper typed. Field names are the JSON paths of CheckoutInput ("shipTo.postalCode").
public static partial class CheckoutRules
{
    private static readonly Dictionary<string, (Regex Pattern, string Example)> PostalCodes = new(StringComparer.Ordinal)
    {
        ["US"] = (UsZip(), "12345 or 12345-6789"),
        ["CA"] = (CanadianPostalCode(), "K1A 0B1"),
        ["GB"] = (BritishPostcode(), "SW1A 1AA"),
        ["DE"] = (FiveDigits(), "10115"),
        ["FR"] = (FiveDigits(), "75001"),
        ["NL"] = (DutchPostcode(), "1012 AB"),
    };

    // Countries where the region (state, province) decides the tax and the address.
    private static readonly HashSet<string> RegionRequired = new(StringComparer.Ordinal) { "US", "CA" };

    public static ShippingAddress Address(AddressInput? input, RateCard rates, Dictionary<string, string[]> errors)
    {
        if (input is null)
        {
            errors["shipTo"] = ["The shipping address is required."];
            return new ShippingAddress("", "", null, "", null, "", "", null);
        }
        var country = Clean(input.Country)?.ToUpperInvariant() ?? "";
        var region = Clean(input.Region)?.ToUpperInvariant();
        var address = new ShippingAddress(Clean(input.Name) ?? "", Clean(input.Line1) ?? "", Clean(input.Line2), Clean(input.City) ?? "", region,
            Clean(input.PostalCode)?.ToUpperInvariant() ?? "", country, Clean(input.Phone));
        Require(errors, "shipTo.name", address.Name, "The recipient's name", 100);
        Require(errors, "shipTo.line1", address.Line1, "The street address", 200);
        if (address.Line2 is { Length: > 200 }) errors["shipTo.line2"] = ["The second address line must be at most 200 characters."];
        Require(errors, "shipTo.city", address.City, "The city", 100);
        if (country.Length == 0) errors["shipTo.country"] = ["The country is required (a two-letter code such as US)."];
        else if (!rates.ShipsTo(country))
            errors["shipTo.country"] = [$"We do not ship to '{country}'. We ship to {string.Join(", ", rates.Countries)}."];
        if (RegionRequired.Contains(country) && string.IsNullOrEmpty(region)) errors["shipTo.region"] = ["The state or province is required for this country (e.g. CA)."];
        else if (region is { Length: > 3 } || (region is not null && !RegionCode().IsMatch(region))) errors["shipTo.region"] = ["The region is a code of up to three letters or digits (e.g. CA)."];
        if (address.PostalCode.Length == 0) errors["shipTo.postalCode"] = ["The postal code is required."];
        else if (PostalCodes.TryGetValue(country, out var rule) && !rule.Pattern.IsMatch(address.PostalCode))
            errors["shipTo.postalCode"] = [$"'{address.PostalCode}' is not a postal code of {country} (e.g. {rule.Example})."];
        else if (address.PostalCode.Length > 12) errors["shipTo.postalCode"] = ["The postal code must be at most 12 characters."];
        if (address.Phone is { } phone && !PhoneNumber().IsMatch(phone)) errors["shipTo.phone"] = ["The phone number has digits, spaces, +, - and brackets only (7 to 20)."];
        return address;
    }

    public static string Email(string? email, Dictionary<string, string[]> errors)
    {
        var value = Clean(email) ?? "";
        if (value.Length == 0) errors["email"] = ["The e-mail address is required, to send the confirmation."];
        else if (value.Length > 254 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(value) || !value.Contains('.', StringComparison.Ordinal))
            errors["email"] = [$"'{value}' is not an e-mail address."];
        return value;
    }

    public static ShippingMethodView? Method(string? code, RateCard rates, Dictionary<string, string[]> errors)
    {
        var value = Clean(code);
        var choices = rates.Methods.Count == 0
            ? "the store has no shipping method yet"
            : "choose one of " + string.Join(", ", rates.Methods.Select(m => m.Code));
        if (value is null)
        {
            errors["shippingMethod"] = [$"Choose a shipping method: {choices}."];
            return null;
        }
        var method = rates.Method(value);
        if (method is null) errors["shippingMethod"] = [$"'{value}' is not a shipping method: {choices}."];
        return method;
    }

    public static string Money(decimal amount, string currency) => amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + currency;

    private static void Require(Dictionary<string, string[]> errors, string field, string value, string what, int max)
    {
        if (value.Length == 0) errors[field] = [$"{what} is required."];
        else if (value.Length > max) errors[field] = [$"{what} must be at most {max} characters."];
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : Regex.Replace(value.Trim(), @"\s+", " ");

    [GeneratedRegex(@"^\d{5}(-\d{4})?$")]
    private static partial Regex UsZip();

    [GeneratedRegex(@"^[A-Z]\d[A-Z] ?\d[A-Z]\d$")]
    private static partial Regex CanadianPostalCode();

    [GeneratedRegex(@"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")]
    private static partial Regex BritishPostcode();

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^\d{4} ?[A-Z]{2}$")]
    private static partial Regex DutchPostcode();

    [GeneratedRegex(@"^[A-Z0-9]{1,3}$")]
    private static partial Regex RegionCode();

    [GeneratedRegex(@"^\+?[\d\s()\-]{7,20}$")]
    private static partial Regex PhoneNumber();
}
