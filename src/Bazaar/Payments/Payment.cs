namespace Bazaar.Payments;

public enum PaymentStatus
{
    // Waiting for an authorisation (none yet, or the last one was declined or timed out).
    Pending,
    Authorised,

    // A capture was claimed and sent to the gateway; its answer decides Captured (retries reuse the same key).
    Capturing,
    Captured,

    // A void was claimed (the order is being cancelled); nothing can be captured any more.
    Voiding,
    Voided,
}

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
    public string? AuthorisationRef { get; set; }
    public string? CaptureRef { get; set; }
    public string? CardBrand { get; set; }
    public string? CardLast4 { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Refundable => Captured - Refunded;

    public void Authorise(string reference, decimal amount)
    {
        if (Status != PaymentStatus.Pending) throw new PaymentStateConflict(OrderId, Status, "authorise");
        if (amount != Amount) throw new InvalidOperationException($"Order {OrderId}: authorised {amount}, but the order is for {Amount}.");
        Status = PaymentStatus.Authorised;
        Authorised = amount;
        AuthorisationRef = reference;
    }

    public void BeginCapture()
    {
        if (Status != PaymentStatus.Authorised) throw new PaymentStateConflict(OrderId, Status, "capture");
        Status = PaymentStatus.Capturing;
    }

    public void CompleteCapture(string reference)
    {
        if (Status != PaymentStatus.Capturing) throw new PaymentStateConflict(OrderId, Status, "complete a capture");
        Status = PaymentStatus.Captured;
        Captured = Authorised;
        CaptureRef = reference;
    }

    public void BeginVoid()
    {
        if (Status is not (PaymentStatus.Pending or PaymentStatus.Authorised)) throw new PaymentStateConflict(OrderId, Status, "void");
        Status = PaymentStatus.Voiding;
    }

    public void CompleteVoid()
    {
        if (Status != PaymentStatus.Voiding) throw new PaymentStateConflict(OrderId, Status, "complete a void");
        Status = PaymentStatus.Voided;
    }

    public void Refund(decimal amount)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "A refund must be more than zero.");
        if (Status != PaymentStatus.Captured) throw new PaymentStateConflict(OrderId, Status, "refund");
        if (amount > Refundable) throw new RefundExceedsCapture(OrderId, amount, Refundable);
        Refunded += amount;
    }
}

public enum PaymentOperation
{
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

public sealed class RefundExceedsCapture(long orderId, decimal requested, decimal refundable)
    : Exception($"Order {orderId}: at most {refundable:0.00} can still be refunded; {requested:0.00} was asked.")
{
    public long OrderId { get; } = orderId;
    public decimal Requested { get; } = requested;
    public decimal Refundable { get; } = refundable;
}
