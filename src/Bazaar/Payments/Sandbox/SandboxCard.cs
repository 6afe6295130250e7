using System.Text.RegularExpressions;

namespace Bazaar.Payments.Sandbox;

// A card as typed on the sandbox's page, checked the way a provider's page checks it. Lives only for the request.
public sealed partial record SandboxCard(string Number, int ExpiryMonth, int ExpiryYear)
{
    public const string Succeeds = "4242424242424242";
    public const string Declines = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";

    public string Last4 => Number[^4..];

    public string Brand => Number[0] switch
    {
        '4' => "Visa",
        '5' or '2' => "Mastercard",
        '3' => "American Express",
        _ => "Card",
    };

    // The card, or the fields that are wrong (by form field name). Never echoes what was typed.
    public static SandboxCard? Parse(string? number, string? month, string? year, string? cvc, DateTimeOffset now,
        Dictionary<string, string> errors)
    {
        var digits = new string((number ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length == 0) errors["number"] = "The card number is required.";
        else if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit)) errors["number"] = "A card number has 12 to 19 digits.";
        else if (!PassesLuhn(digits)) errors["number"] = "This card number is not valid: check the digits.";
        var m = int.TryParse(month, out var mm) && mm is >= 1 and <= 12 ? mm : 0;
        if (m == 0) errors["expiryMonth"] = "The expiry month is 1 to 12.";
        var y = int.TryParse(year, out var yy) ? (yy is >= 0 and < 100 ? 2000 + yy : yy) : 0;
        if (y == 0) errors["expiryYear"] = "The expiry year is required (e.g. 2030).";
        else if (y < now.Year || (y == now.Year && m != 0 && m < now.Month)) errors["expiryYear"] = "The card has expired.";
        else if (y > now.Year + 20) errors["expiryYear"] = $"The expiry year is too far ahead: {now.Year + 20} at the latest.";
        if (cvc is null || !CvcPattern().IsMatch(cvc)) errors["cvc"] = "The security code is 3 or 4 digits.";
        return errors.Count == 0 ? new SandboxCard(digits, m, y) : null;
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1 && (d *= 2) > 9) d -= 9;
            sum += d;
        }
        return sum % 10 == 0;
    }

    [GeneratedRegex(@"^\d{3,4}$")]
    private static partial Regex CvcPattern();
}
