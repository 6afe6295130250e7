namespace Bazaar.Payments;

// One webhook event the store has processed, by the gateway's event id: a delivery repeated by the gateway's retries,
// or replayed by someone who captured it, finds its id here and changes nothing.
public sealed class PaymentWebhookEvent
{
    public required string EventId { get; set; }
    public required string GatewayPaymentId { get; set; }
    public required string Type { get; set; }

    // "applied" when it moved the payment, "ignored" when the payment's table had no such move from its status.
    public required string Outcome { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
