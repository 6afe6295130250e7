namespace Bazaar.Payments;

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

// A payment the gateway opened for an order: its id at the gateway and the gateway's own page where the shopper
// enters the card (the store never sees the card).
public sealed record GatewaySession(string PaymentId, string PayUrl);

public enum GatewayPaymentStatus
{
    // Open: no card has been authorised yet (none tried, or every try was declined).
    RequiresPaymentMethod,
    Authorised,
    Captured,
    Voided,
}

// What the gateway says about a payment when asked (after the shopper comes back from its page). Brand and last4
// are the only card facts a gateway gives a merchant, and the only ones the store keeps.
public sealed record GatewayPaymentState(string PaymentId, GatewayPaymentStatus Status, decimal Amount, string Currency,
    string? CardBrand, string? CardLast4, string? LastDecline);

// A payment service provider in the shape real ones have (Stripe's PaymentIntents, Adyen's sessions): the store opens
// a payment for an amount, the shopper pays on the provider's page, the store learns the result from the redirect
// (by asking GetPaymentAsync, never from the query string) and from signed webhooks (PaymentWebhooks). Capture, void
// and refund are server-to-server. Every call carries an idempotency key: the same key always gets the same answer and
// moves money at most once, so a call repeated after a crash or a timeout is safe.
// Implementations: Sandbox.SandboxPaymentGateway (built in); a real provider's adapter plugs in here (ADR 0010).
public interface IPaymentGateway
{
    Task<GatewaySession> CreatePaymentAsync(string idempotencyKey, long orderId, decimal amount, string currency, string returnUrl,
        CancellationToken ct);

    Task<GatewayPaymentState?> GetPaymentAsync(string paymentId, CancellationToken ct);

    Task<GatewayResult> CaptureAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct);

    Task<GatewayResult> VoidAsync(string idempotencyKey, string paymentId, CancellationToken ct);

    Task<GatewayResult> RefundAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct);
}
