namespace Bazaar.Payments;

// The money side of one order. The rules below are the ones the Payments facade states again as conditional
// UPDATEs (so that two nodes cannot both capture): capture at most once, refunds never above the capture.
public sealed class Payment
{
    public long OrderId { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "USD";
    public PaymentStatus Status { get; set; }
    public decimal Authorised { get; set; }
    public decimal Captured { get; set; }
    public decimal Refunded { get; set; }

    // The payment's id at the gateway (set once the gateway opened it) and the gateway's page where the shopper pays.
    public string? GatewayPaymentId { get; set; }
    public string? PayUrl { get; set; }
    public string? CaptureRef { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Refundable => Captured - Refunded;

    // Every change of status goes through the table; a move not in it throws.
    public PaymentTransition Apply(PaymentEvent action)
    {
        var move = PaymentTransitions.Find(Status, action) ?? throw new PaymentStateConflict(OrderId, Status, action.ToString());
        Status = move.To;
        return move;
    }

    public bool Allows(PaymentEvent action) => PaymentTransitions.Find(Status, action) is not null;

    public void Authorise(decimal amount, string? brand, string? last4)
    {
        if (amount != Amount) throw new InvalidOperationException($"Order {OrderId}: authorised {amount}, but the order is for {Amount}.");
        Apply(PaymentEvent.Authorise);
        Authorised = amount;
        CardBrand = brand is { Length: > 30 } ? brand[..30] : brand;
        CardLast4 = last4 is { Length: 4 } && last4.All(char.IsAsciiDigit) ? last4 : null;
    }

    public void CompleteCapture(string reference)
    {
        Apply(PaymentEvent.CompleteCapture);
        Captured = Authorised;
        CaptureRef = reference;
    }

    public void Refund(decimal amount)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "A refund must be more than zero.");
        if (!Allows(PaymentEvent.Refund)) throw new PaymentStateConflict(OrderId, Status, "refund");
        if (amount > Refundable) throw new RefundExceedsCapture(OrderId, amount, Refundable);
        Apply(PaymentEvent.Refund);
        Refunded += amount;
    }
}

public enum PaymentOperation
{
    Create,
    Authorise,
    Capture,
    Void,
    Refund,
}

public enum AttemptOutcome
{
    Succeeded,
    Declined,
    Retryable,
    TimedOut,
    Failed,

    // Claimed and sent (or about to be) under its key, no answer recorded yet: a refund asked with a request key is
    // written so before the gateway is called, so that the request repeated after a crash finds it (Payments.RefundAsync).
    Sent,
}

// Every call to the gateway, whatever came of it: the audit trail of the money.
public sealed class PaymentAttempt
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public PaymentOperation Operation { get; set; }
    public decimal Amount { get; set; }
    public AttemptOutcome Outcome { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? Reference { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class PaymentStateConflict(long orderId, PaymentStatus status, string operation)
    : Exception($"The payment of order {orderId} is {status}: cannot {operation}.")
{
    public long OrderId { get; } = orderId;
    public PaymentStatus Status { get; } = status;
}

public sealed class RefundKeyReused(long orderId, decimal earlier, decimal requested)
    : Exception($"Order {orderId}: this Idempotency-Key was used for a refund of {earlier:0.00}; {requested:0.00} was asked with it now. "
        + "Use a new key for a new refund.")
{
    public long OrderId { get; } = orderId;
}

public sealed class RefundExceedsCapture(long orderId, decimal requested, decimal refundable)
    : Exception($"Order {orderId}: at most {refundable:0.00} can still be refunded; {requested:0.00} was asked.")
{
    public long OrderId { get; } = orderId;
    public decimal Requested { get; } = requested;
    public decimal Refundable { get; } = refundable;
}
