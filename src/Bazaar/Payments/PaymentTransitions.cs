namespace Bazaar.Payments;

public enum PaymentStatus
{
    // Open at the gateway, waiting for the shopper to pay on its page (none tried yet, or every try was declined).
    Pending,
    Authorised,

    // A capture was claimed and sent to the gateway; its answer decides Captured (retries reuse the same key).
    Capturing,
    Captured,

    // A void was claimed (the order is being cancelled); nothing can be captured or authorised any more.
    Voiding,
    Voided,
}

// What can happen to a payment, from the store's calls or from the gateway's webhooks.
public enum PaymentEvent
{
    Authorise,
    BeginCapture,
    CompleteCapture,

    // The gateway refused a capture: the authorisation stands and shipping may be tried again.
    RefuseCapture,
    BeginVoid,
    CompleteVoid,
    Refund,
}

public sealed record PaymentTransition(PaymentStatus From, PaymentEvent Event, PaymentStatus To);

// The one transition table of a payment. Payment.Apply refuses every move not in it (PaymentStateConflict); a webhook
// whose event is not a move from the payment's status is recorded and ignored (PaymentWebhooks), which is what makes
// late and out-of-order deliveries harmless: an "authorised" after a void, or a "declined" after an authorisation,
// changes nothing.
public static class PaymentTransitions
{
    public static IReadOnlyList<PaymentTransition> Table { get; } =
    [
        new(PaymentStatus.Pending, PaymentEvent.Authorise, PaymentStatus.Authorised),
        new(PaymentStatus.Pending, PaymentEvent.BeginVoid, PaymentStatus.Voiding),
        new(PaymentStatus.Authorised, PaymentEvent.BeginCapture, PaymentStatus.Capturing),
        new(PaymentStatus.Authorised, PaymentEvent.BeginVoid, PaymentStatus.Voiding),
        new(PaymentStatus.Capturing, PaymentEvent.CompleteCapture, PaymentStatus.Captured),
        new(PaymentStatus.Capturing, PaymentEvent.RefuseCapture, PaymentStatus.Authorised),
        new(PaymentStatus.Captured, PaymentEvent.Refund, PaymentStatus.Captured),
        new(PaymentStatus.Voiding, PaymentEvent.CompleteVoid, PaymentStatus.Voided),
    ];

    private static readonly Dictionary<(PaymentStatus, PaymentEvent), PaymentTransition> ByMove = Table.ToDictionary(t => (t.From, t.Event));

    public static PaymentTransition? Find(PaymentStatus from, PaymentEvent action) => ByMove.GetValueOrDefault((from, action));

    public static bool IsFinal(PaymentStatus status) => Table.All(t => t.From != status);
}
