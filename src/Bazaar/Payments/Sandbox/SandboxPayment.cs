namespace Bazaar.Payments.Sandbox;

// The sandbox gateway's own ledger: one row per payment a merchant opened, as a provider keeps it on its side.
// It holds no card data either: what a card page posts is checked, answered and forgotten, except brand and last4.
public sealed class SandboxPayment
{
    public required string Id { get; set; }

    // The merchant's key for opening it: the same key opens the same payment.
    public required string IdempotencyKey { get; set; }
    public required string MerchantReference { get; set; }
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public GatewayPaymentStatus Status { get; set; }
    public decimal Captured { get; set; }
    public decimal Refunded { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public string? LastDecline { get; set; }

    // Declined or refused card tries: past SandboxOptions.AttemptsPerPayment the page answers 429 (card testing).
    public int FailedAttempts { get; set; }
    public required string ReturnUrl { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// A server-to-server call (capture, void, refund) under the merchant's idempotency key, with the answer it got: the
// same key always gets the same answer.
public sealed class SandboxOperation
{
    public required string Key { get; set; }
    public required string PaymentId { get; set; }
    public required string Kind { get; set; }
    public GatewayOutcome Outcome { get; set; }
    public string? Reference { get; set; }
    public string? Message { get; set; }
    public decimal Amount { get; set; }
    public DateTimeOffset At { get; set; }
}

// A webhook event waiting to be (or already) delivered to the merchant, written with the ledger change it reports.
public sealed class SandboxWebhook
{
    public long Id { get; set; }
    public required string EventId { get; set; }
    public required string PaymentId { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    // Given up after SandboxOptions.WebhookMaxAttempts failed deliveries.
    public bool Abandoned { get; set; }
    public string? LastError { get; set; }
}
