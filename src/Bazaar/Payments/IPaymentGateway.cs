namespace Bazaar.Payments;

// A card as the shopper typed it. Only the brand and the last four digits are ever stored.
public sealed record CardDetails(string Number, int ExpiryMonth, int ExpiryYear, string Cvc)
{
    public string Last4 => Number[^4..];

    public string Brand => Number[0] switch
    {
        '4' => "Visa",
        '5' or '2' => "Mastercard",
        '3' => "American Express",
        _ => "Card",
    };

    // Names the card in an idempotency key without carrying the number.
    public string Fingerprint =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Number}|{ExpiryMonth}|{ExpiryYear}")))[..16];
}

public enum GatewayOutcome
{
    Approved,
    Declined,

    // A transient failure: the same call may succeed when tried again with the same key.
    Retryable,
}

public sealed record GatewayResult(GatewayOutcome Outcome, string? Reference, string? Message)
{
    public static GatewayResult Approved(string reference) => new(GatewayOutcome.Approved, reference, null);

    public static GatewayResult Declined(string message) => new(GatewayOutcome.Declined, null, message);
}

// A payment service provider. Every call carries an idempotency key: the same key always gets the same answer
// and moves money at most once, so a call repeated after a crash or a timeout is safe.
// Implementations: SandboxPaymentGateway (built in); a real provider plugs in here.
public interface IPaymentGateway
{
    Task<GatewayResult> AuthoriseAsync(string idempotencyKey, CardDetails card, decimal amount, string currency, CancellationToken ct);

    Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorisationRef, decimal amount, CancellationToken ct);

    Task<GatewayResult> VoidAsync(string idempotencyKey, string authorisationRef, CancellationToken ct);

    Task<GatewayResult> RefundAsync(string idempotencyKey, string captureRef, decimal amount, CancellationToken ct);
}
