using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments;

public enum AuthorisationOutcome
{
    Authorised,
    Declined,

    // The gateway did not answer in time or kept failing: the order stays unpaid and the same call may be repeated.
    Unavailable,

    // The order was cancelled meanwhile; an authorisation that arrived late was voided.
    Closed,
}

public sealed record AuthorisationResult(AuthorisationOutcome Outcome, string? Message);

public sealed record PaymentAttemptView(long Id, string Operation, decimal Amount, string Outcome, string? Reference, string? Message, DateTimeOffset At);

public sealed record PaymentView(long OrderId, string Status, decimal Amount, string Currency, decimal Authorised, decimal Captured, decimal Refunded,
    string? CardBrand, string? CardLast4, IReadOnlyList<PaymentAttemptView> Attempts);

public sealed record PaymentAuditRow(long OrderId, PaymentStatus Status, decimal Amount, decimal Authorised, decimal Captured, decimal Refunded, int Captures);

public sealed class PaymentFailed(long orderId, string message) : Exception(message)
{
    public long OrderId { get; } = orderId;
}

// The payments facade. Every gateway call happens outside any database transaction; the payment row is the arbiter
// between racing callers: a capture or a void is first claimed with a short locked update, then sent to the gateway
// under a key derived from the order, so that a repeated call (after a crash, on another node) moves money once.
public sealed class Payments(BazaarDb db, IPaymentGateway gateway, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<Payments> log)
{
    private PaymentsOptions Options => options.Value;

    // Starts the payment of a new order, in the caller's transaction (the one that creates the order).
    public async Task OpenAsync(long orderId, decimal amount, string currency, CancellationToken ct = default)
    {
        db.Payments.Add(new Payment { OrderId = orderId, Amount = amount, Currency = currency, Status = PaymentStatus.Pending, UpdatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
    }

    public async Task<PaymentView?> GetAsync(long orderId, CancellationToken ct = default)
    {
        var p = await db.Payments.AsNoTracking().FirstOrDefaultAsync(x => x.OrderId == orderId, ct);
        if (p is null) return null;
        var attempts = await db.PaymentAttempts.AsNoTracking().Where(a => a.OrderId == orderId).OrderBy(a => a.Id)
            .Select(a => new PaymentAttemptView(a.Id, a.Operation.ToString(), a.Amount, a.Outcome.ToString(), a.Reference, a.Message, a.At))
            .ToListAsync(ct);
        return new PaymentView(p.OrderId, p.Status.ToString(), p.Amount, p.Currency, p.Authorised, p.Captured, p.Refunded, p.CardBrand, p.CardLast4, attempts);
    }

    public async Task<PaymentStatus?> StatusOfAsync(long orderId, CancellationToken ct = default) =>
        await db.Payments.Where(p => p.OrderId == orderId).Select(p => (PaymentStatus?)p.Status).FirstOrDefaultAsync(ct);

    public async Task<AuthorisationResult> AuthoriseAsync(long orderId, CardDetails card, CancellationToken ct = default)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct) ?? throw new PaymentFailed(orderId, $"Order {orderId} has no payment.");
        if (payment.Status is PaymentStatus.Authorised or PaymentStatus.Capturing or PaymentStatus.Captured) return new(AuthorisationOutcome.Authorised, null);
        if (payment.Status is PaymentStatus.Voiding or PaymentStatus.Voided) return new(AuthorisationOutcome.Closed, "The order was cancelled.");

        // The same card on the same order always uses the same key: a retry after a timeout or a crash cannot authorise twice.
        var key = $"auth:{orderId}:{card.Fingerprint}";
        for (var attempt = 1; ; attempt++)
        {
            var result = await CallAsync(orderId, PaymentOperation.Authorise, payment.Amount, key,
                t => gateway.AuthoriseAsync(key, card, payment.Amount, payment.Currency, t), ct, recordApproved: false);
            switch (result?.Outcome)
            {
                case GatewayOutcome.Approved:
                    return await RecordAuthorisationAsync(orderId, result.Reference!, card, Attempt(orderId, PaymentOperation.Authorise, payment.Amount, key, result), ct);
                case GatewayOutcome.Declined:
                    return new(AuthorisationOutcome.Declined, result.Message ?? "The card was declined.");
                case GatewayOutcome.Retryable when attempt < Options.MaxAttempts:
                    await Task.Delay(Options.RetryDelay * attempt, ct);
                    continue;
                default:
                    return new(AuthorisationOutcome.Unavailable, result?.Message ?? "The payment service did not answer in time.");
            }
        }
    }

    private async Task<AuthorisationResult> RecordAuthorisationAsync(long orderId, string reference, CardDetails card, PaymentAttempt attempt, CancellationToken ct)
    {
        // The attempt is written with the payment's change: one transaction fewer on the checkout path.
        db.PaymentAttempts.Add(attempt);
        var applied = await ChangeAsync(orderId, p =>
        {
            if (p.Status != PaymentStatus.Pending) return false;
            p.Authorise(reference, p.Amount);
            p.CardBrand = card.Brand;
            p.CardLast4 = card.Last4;
            return true;
        }, ct);
        if (applied) return new(AuthorisationOutcome.Authorised, null);
        var status = await StatusOfAsync(orderId, ct);
        if (status is PaymentStatus.Authorised or PaymentStatus.Capturing or PaymentStatus.Captured) return new(AuthorisationOutcome.Authorised, null);
        // Cancelled while the gateway was answering: give the late authorisation back.
        await CallAsync(orderId, PaymentOperation.Void, 0, "void-late:" + reference, t => gateway.VoidAsync("void-late:" + reference, reference, t), ct);
        return new(AuthorisationOutcome.Closed, "The order was cancelled while the payment was being authorised; the authorisation was voided.");
    }

    // Takes the authorised amount, at most once per order. Repeating it (after a crash or a timeout) is safe.
    public async Task CaptureAsync(long orderId, CancellationToken ct = default)
    {
        var claim = await ChangeAsync(orderId, p =>
        {
            if (p.Status is PaymentStatus.Captured or PaymentStatus.Capturing) return p;
            p.BeginCapture();
            return p;
        }, ct);
        if (claim.Status == PaymentStatus.Captured) return;
        var key = $"capture:{orderId}";
        var result = await CallAsync(orderId, PaymentOperation.Capture, claim.Authorised, key,
            t => gateway.CaptureAsync(key, claim.AuthorisationRef!, claim.Authorised, t), ct);
        if (result?.Outcome == GatewayOutcome.Approved)
        {
            await ChangeAsync(orderId, p =>
            {
                if (p.Status == PaymentStatus.Capturing) p.CompleteCapture(result.Reference!);
                return true;
            }, ct);
            return;
        }
        if (result?.Outcome == GatewayOutcome.Declined)
            // A refused capture is final for this try: the authorisation stands and shipping can be tried again.
            await ChangeAsync(orderId, p =>
            {
                if (p.Status == PaymentStatus.Capturing) p.Status = PaymentStatus.Authorised;
                return true;
            }, ct);
        // A timeout leaves the claim in place: the next try sends the same key, which the gateway answers once.
        throw new PaymentFailed(orderId, result?.Message ?? "The payment service did not answer in time; try again.");
    }

    // First half of a cancellation, in the transaction that cancels the order: after it nothing can be captured.
    // Refused (PaymentStateConflict) once a capture has begun, which rolls the cancellation back.
    public Task BeginVoidAsync(long orderId, CancellationToken ct = default) =>
        ChangeAsync(orderId, p =>
        {
            if (p.Status is PaymentStatus.Voiding or PaymentStatus.Voided) return true;
            p.BeginVoid();
            return true;
        }, ct);

    // Second half of a cancellation: gives the authorisation back at the gateway (if there was one).
    public async Task CompleteVoidAsync(long orderId, CancellationToken ct = default)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (payment is null || payment.Status != PaymentStatus.Voiding) return;
        if (payment.AuthorisationRef is { } reference)
        {
            var key = $"void:{orderId}";
            var result = await CallAsync(orderId, PaymentOperation.Void, payment.Authorised, key, t => gateway.VoidAsync(key, reference, t), ct);
            if (result?.Outcome != GatewayOutcome.Approved)
            {
                log.LogWarning("Voiding the payment of order {OrderId} failed ({Message}); the reconciler tries again", orderId, result?.Message ?? "timed out");
                return;
            }
        }
        await ChangeAsync(orderId, p =>
        {
            if (p.Status == PaymentStatus.Voiding) p.CompleteVoid();
            return true;
        }, ct);
    }

    // Gives money back; never more than was captured, whatever the callers race.
    public async Task<decimal> RefundAsync(long orderId, decimal amount, CancellationToken ct = default)
    {
        var claim = await ChangeAsync(orderId, p =>
        {
            p.Refund(amount);
            return p;
        }, ct);
        var key = $"refund:{orderId}:{Guid.NewGuid():N}";
        var result = await CallAsync(orderId, PaymentOperation.Refund, amount, key, t => gateway.RefundAsync(key, claim.CaptureRef!, amount, t), ct);
        if (result?.Outcome == GatewayOutcome.Approved) return claim.Refundable;
        // The claimed amount goes back so that it can be refunded again.
        await ChangeAsync(orderId, p => p.Refunded -= amount, ct);
        throw new PaymentFailed(orderId, result?.Message ?? "The payment service did not answer in time; nothing was refunded.");
    }

    public async Task<IReadOnlyList<PaymentAuditRow>> ListForAuditAsync(CancellationToken ct = default)
    {
        var captures = await db.PaymentAttempts.AsNoTracking().Where(a => a.Operation == PaymentOperation.Capture && a.Outcome == AttemptOutcome.Succeeded)
            .GroupBy(a => a.OrderId).Select(g => new { OrderId = g.Key, Count = g.Select(a => a.Reference).Distinct().Count() }).ToDictionaryAsync(x => x.OrderId, x => x.Count, ct);
        return (await db.Payments.AsNoTracking().ToListAsync(ct))
            .Select(p => new PaymentAuditRow(p.OrderId, p.Status, p.Amount, p.Authorised, p.Captured, p.Refunded, captures.GetValueOrDefault(p.OrderId))).ToList();
    }

    // Payments stuck half-way through a cancellation (a node stopped between the two halves).
    public async Task<IReadOnlyList<long>> ListVoidingAsync(DateTimeOffset before, int take, CancellationToken ct = default) =>
        await db.Payments.AsNoTracking().Where(p => p.Status == PaymentStatus.Voiding && p.UpdatedAt < before).OrderBy(p => p.OrderId)
            .Select(p => p.OrderId).Take(take).ToListAsync(ct);

    private async Task<GatewayResult?> CallAsync(long orderId, PaymentOperation operation, decimal amount, string key,
        Func<CancellationToken, Task<GatewayResult>> call, CancellationToken ct, bool recordApproved = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.GatewayTimeout);
        GatewayResult? result;
        try
        {
            result = await call(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = null;
        }
        if (result?.Outcome == GatewayOutcome.Approved && !recordApproved) return result;
        var attempt = Attempt(orderId, operation, amount, key, result);
        db.PaymentAttempts.Add(attempt);
        await db.SaveChangesAsync(ct);
        db.Entry(attempt).State = EntityState.Detached;
        return result;
    }

    private PaymentAttempt Attempt(long orderId, PaymentOperation operation, decimal amount, string key, GatewayResult? result) => new()
    {
        OrderId = orderId,
        Operation = operation,
        Amount = amount,
        IdempotencyKey = key,
        Outcome = result?.Outcome switch
        {
            GatewayOutcome.Approved => AttemptOutcome.Succeeded,
            GatewayOutcome.Declined => AttemptOutcome.Declined,
            GatewayOutcome.Retryable => AttemptOutcome.Retryable,
            _ => AttemptOutcome.TimedOut,
        },
        Reference = result?.Reference,
        Message = result?.Message ?? (result is null ? "the gateway did not answer in time" : null),
        At = clock.GetUtcNow(),
    };

    // Changes the payment row under a row lock (PostgreSQL) or the writer lock (SQLite), by the domain rules of Payment.
    // Inside a caller's transaction (a cancellation) it takes part in it; otherwise it is its own short transaction.
    private async Task<T> ChangeAsync<T>(long orderId, Func<Payment, T> change, CancellationToken ct)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        Payment? payment = null;
        try
        {
            payment = db.Database.IsNpgsql()
                ? await db.Payments.FromSql($"SELECT * FROM payments WHERE order_id = {orderId} FOR UPDATE").FirstOrDefaultAsync(ct)
                : await db.Payments.FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
            if (payment is null) throw new PaymentFailed(orderId, $"Order {orderId} has no payment.");
            var result = change(payment);
            payment.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            if (own is not null) await own.CommitAsync(ct);
            return result;
        }
        finally
        {
            if (own is not null) db.ChangeTracker.Clear();
            else if (payment is not null) db.Entry(payment).State = EntityState.Detached;
            if (own is not null) await own.DisposeAsync();
        }
    }
}
