using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bazaar.Payments;

// The signature on a webhook, in the scheme Stripe uses: header "t=<unix seconds>,v1=<hex HMAC-SHA256>" where the
// HMAC is over "<t>.<raw body>" with the secret both sides share. The timestamp inside the signed text stops an old
// delivery from being replayed later (PaymentsOptions.WebhookTolerance); the event id stops it within the tolerance.
public static class WebhookSignature
{
    public const string Header = "Webhook-Signature";

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    // Null when the signature holds, otherwise why not (for the 401's detail; it names no secret).
    public static string? Check(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header)) return $"The {Header} header is missing.";
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (name, value) = (part[..eq], part[(eq + 1)..]);
            if (name == "t") t = value;
            else if (name == "v1") signatures.Add(value);
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signatures.Count == 0)
            return $"The {Header} header is not t=<timestamp>,v1=<signature>.";
        if (seconds > 253402300799 || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds) > tolerance.TotalSeconds)
            return "The signature's timestamp is outside the tolerance: the delivery is too old or from the future.";
        var expected = Mac(secret, t, body);
        foreach (var signature in signatures)
        {
            if (signature.Length != expected.Length * 2) continue;
            byte[] given;
            try
            {
                given = Convert.FromHexString(signature);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return null;
        }
        return "The signature does not match the body.";
    }

    private static byte[] Mac(string secret, string t, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
}
