using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments;

// What became of an authorisation the gateway reported, by the payment's table.
public enum AuthorisationOutcome
{
    // Pending -> Authorised: the order can now be placed.
    Authorised,

    // It was authorised before (the redirect and the webhook both report it): nothing to do.
    AlreadyAuthorised,

    // The payment is being voided or was (the order was cancelled first): the late authorisation must be given back.
    Closed,
}

public sealed record PaymentAttemptView(long Id, string Operation, decimal Amount, string Outcome, string? Reference, string? Message, DateTimeOffset At);

public sealed record PaymentView(long OrderId, string Status, decimal Amount, string Currency, decimal Authorised, decimal Captured, decimal Refunded,
    string? CardBrand, string? CardLast4, string? GatewayPaymentId, string? PayUrl, IReadOnlyList<PaymentAttemptView> Attempts);

// A payment as a webhook finds it: whose it is, how it stands, what it is for.
public sealed record PaymentRef(long OrderId, PaymentStatus Status, decimal Amount);

public sealed record PaymentAuditRow(long OrderId, PaymentStatus Status, decimal Amount, decimal Authorised, decimal Captured, decimal Refunded, int Captures);

public sealed class PaymentFailed(long orderId, string message) : Exception(message)
{
    public long OrderId { get; } = orderId;
}

// The gateway did not answer in time: nothing is lost, the same call may be repeated (503 with Retry-After).
public sealed class PaymentGatewayUnavailable(string message) : Exception(message);

// The payments facade. The store never sees a card: it opens a payment at the gateway for the order's amount, the
// shopper pays on the gateway's page, and the result comes back by the redirect and by signed webhooks, applied through
// PaymentTransitions. Every gateway call happens outside any database transaction; the payment row is the arbiter
// between racing callers: a capture or a void is first claimed with a short locked update, then sent to the gateway
// under a key derived from the order, so that a repeated call (after a crash, on another node) moves money once.
public sealed class Payments(BazaarDb db, IPaymentGateway gateway, TimeProvider clock, IOptions<PaymentsOptions> options, ILogger<Payments> log)
{
    private PaymentsOptions Options => options.Value;

    // Starts the payment of a new order, in the caller's transaction (the one that creates the order): the row is
    // added to the caller's unit of work and written by its SaveChanges, in one batch with the caller's own rows.
    public void Open(long orderId, decimal amount, string currency) =>
        db.Payments.Add(new Payment { OrderId = orderId, Amount = amount, Currency = currency, Status = PaymentStatus.Pending, UpdatedAt = clock.GetUtcNow() });

    public async Task<PaymentView?> GetAsync(long orderId, CancellationToken ct = default)
    {
        var p = await db.Payments.AsNoTracking().FirstOrDefaultAsync(x => x.OrderId == orderId, ct);
        if (p is null) return null;
        var attempts = await db.PaymentAttempts.AsNoTracking().Where(a => a.OrderId == orderId).OrderBy(a => a.Id)
            .Select(a => new PaymentAttemptView(a.Id, a.Operation.ToString(), a.Amount, a.Outcome.ToString(), a.Reference, a.Message, a.At))
            .ToListAsync(ct);
        return new PaymentView(p.OrderId, p.Status.ToString(), p.Amount, p.Currency, p.Authorised, p.Captured, p.Refunded, p.CardBrand, p.CardLast4,
            p.GatewayPaymentId, p.PayUrl, attempts);
    }

    public async Task<PaymentStatus?> StatusOfAsync(long orderId, CancellationToken ct = default) =>
        await db.Payments.Where(p => p.OrderId == orderId).Select(p => (PaymentStatus?)p.Status).FirstOrDefaultAsync(ct);

    // The payment the gateway knows by this id (its order, status and amount), if any: one read for a webhook.
    public async Task<PaymentRef?> FindByGatewayIdAsync(string gatewayPaymentId, CancellationToken ct = default) =>
        await db.Payments.AsNoTracking().Where(p => p.GatewayPaymentId == gatewayPaymentId)
            .Select(p => new PaymentRef(p.OrderId, p.Status, p.Amount)).FirstOrDefaultAsync(ct);

    // Opens the payment at the gateway (once: a repeat gets the same session) and returns the page where the shopper
    // pays. The gateway is called outside any transaction; the row only remembers what it answered.
    public async Task<GatewaySession> StartAsync(long orderId, string returnUrl, CancellationToken ct = default)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct)
            ?? throw new PaymentFailed(orderId, $"Order {orderId} has no payment.");
        if (payment is { GatewayPaymentId: { } known, PayUrl: { } url }) return new GatewaySession(known, url);
        return await StartNewAsync(orderId, payment.Amount, payment.Currency, returnUrl, ct);
    }

    // StartAsync for a payment the caller has just opened (Open) and committed, so it has no gateway session yet and
    // its amount and currency are known: the row is not read back.
    public async Task<GatewaySession> StartNewAsync(long orderId, decimal amount, string currency, string returnUrl, CancellationToken ct = default)
    {
        var key = $"create:{orderId}";
        GatewaySession session;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(Options.GatewayTimeout);
            try
            {
                session = await gateway.CreatePaymentAsync(key, orderId, amount, currency, returnUrl, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new PaymentGatewayUnavailable("The payment service did not answer in time; try again in a moment.");
            }
        }
        await db.Payments.Where(p => p.OrderId == orderId && p.GatewayPaymentId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.GatewayPaymentId, session.PaymentId).SetProperty(p => p.PayUrl, session.PayUrl)
                .SetProperty(p => p.UpdatedAt, clock.GetUtcNow()), ct);
        return session;
    }

    // Asks the gateway how the payment stands (the redirect's answer is never taken from its query string).
    public async Task<GatewayPaymentState?> AskGatewayAsync(long orderId, CancellationToken ct = default)
    {
        var id = await db.Payments.Where(p => p.OrderId == orderId).Select(p => p.GatewayPaymentId).FirstOrDefaultAsync(ct);
        if (id is null) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.GatewayTimeout);
        try
        {
            return await gateway.GetPaymentAsync(id, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PaymentGatewayUnavailable("The payment service did not answer in time; try again in a moment.");
        }
    }

    // The gateway authorised the payment (its redirect or its webhook says so): Pending -> Authorised by the table,
    // in the caller's transaction (the one that places the order), with the card's brand and last four digits.
    public async Task<AuthorisationOutcome> RecordAuthorisationAsync(long orderId, decimal amount, string? brand, string? last4,
        CancellationToken ct = default)
    {
        // The attempt is written with the payment's change, in one batch.
        var outcome = await ChangeAsync(orderId, p =>
        {
            if (p.Allows(PaymentEvent.Authorise))
            {
                p.Authorise(amount, brand, last4);
                db.PaymentAttempts.Add(Attempt(orderId, PaymentOperation.Authorise, amount, $"authorise:{orderId}",
                    new GatewayResult(GatewayOutcome.Approved, null, brand is null ? null : $"{brand} ending {last4}")));
                return AuthorisationOutcome.Authorised;
            }
            return p.Status is PaymentStatus.Voiding or PaymentStatus.Voided ? AuthorisationOutcome.Closed : AuthorisationOutcome.AlreadyAuthorised;
        }, ct);
        foreach (var written in db.ChangeTracker.Entries<PaymentAttempt>().ToList()) written.State = EntityState.Detached;
        return outcome;
    }

    // A card was declined on the gateway's page: the payment stays open for another card; the try is on the record.
    public async Task RecordDeclineAsync(long orderId, decimal amount, string? message, CancellationToken ct = default)
    {
        db.PaymentAttempts.Add(Attempt(orderId, PaymentOperation.Authorise, amount, $"authorise:{orderId}",
            GatewayResult.Declined(message ?? "The card was declined.")));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    // The gateway confirms a capture the store asked for (its answer was lost, e.g. a timeout): Capturing -> Captured.
    public Task<bool> ConfirmCaptureAsync(long orderId, string reference, CancellationToken ct = default) =>
        ChangeAsync(orderId, p =>
        {
            if (!p.Allows(PaymentEvent.CompleteCapture)) return false;
            p.CompleteCapture(reference);
            return true;
        }, ct);

    // The gateway confirms a void: Voiding -> Voided.
    public Task<bool> ConfirmVoidAsync(long orderId, CancellationToken ct = default) =>
        ChangeAsync(orderId, p =>
        {
            if (!p.Allows(PaymentEvent.CompleteVoid)) return false;
            p.Apply(PaymentEvent.CompleteVoid);
            return true;
        }, ct);

    // Webhook events are processed once per event id.
    public Task<bool> HasProcessedEventAsync(string eventId, CancellationToken ct = default) =>
        db.PaymentWebhookEvents.AnyAsync(e => e.EventId == eventId, ct);

    public async Task RecordEventAsync(string eventId, string gatewayPaymentId, string type, bool applied, CancellationToken ct = default)
    {
        db.PaymentWebhookEvents.Add(new PaymentWebhookEvent
        {
            EventId = eventId, GatewayPaymentId = gatewayPaymentId, Type = type, Outcome = applied ? "applied" : "ignored", ReceivedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same event, delivered twice at once: both processed it idempotently; one row is enough.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    // Null when the webhook's signature holds, otherwise why it does not.
    public string? CheckWebhookSignature(string? header, string body) =>
        WebhookSignature.Check(Options.WebhookSecret!, header, body, clock.GetUtcNow(), Options.WebhookTolerance);

    // Takes the authorised amount, at most once per order. Repeating it (after a crash or a timeout) is safe.
    public async Task CaptureAsync(long orderId, CancellationToken ct = default)
    {
        var claim = await ChangeAsync(orderId, p =>
        {
            if (p.Status is PaymentStatus.Captured or PaymentStatus.Capturing) return p;
            p.Apply(PaymentEvent.BeginCapture);
            return p;
        }, ct);
        if (claim.Status == PaymentStatus.Captured) return;
        var key = $"capture:{orderId}";
        var result = await CallAsync(orderId, PaymentOperation.Capture, claim.Authorised, key,
            t => gateway.CaptureAsync(key, claim.GatewayPaymentId!, claim.Authorised, t), ct);
        if (result?.Outcome == GatewayOutcome.Approved)
        {
            await ConfirmCaptureAsync(orderId, result.Reference!, ct);
            return;
        }
        if (result?.Outcome == GatewayOutcome.Declined)
            // A refused capture is final for this try: the authorisation stands and shipping can be tried again.
            await ChangeAsync(orderId, p =>
            {
                if (p.Allows(PaymentEvent.RefuseCapture)) p.Apply(PaymentEvent.RefuseCapture);
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
            p.Apply(PaymentEvent.BeginVoid);
            return true;
        }, ct);

    // Second half of a cancellation: closes the payment at the gateway (an open one can no longer be paid on its page;
    // an authorised one is given back).
    public async Task CompleteVoidAsync(long orderId, CancellationToken ct = default)
    {
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (payment is null || payment.Status != PaymentStatus.Voiding) return;
        if (payment.GatewayPaymentId is { } reference)
        {
            var key = $"void:{orderId}";
            var result = await CallAsync(orderId, PaymentOperation.Void, payment.Authorised, key, t => gateway.VoidAsync(key, reference, t), ct);
            if (result?.Outcome != GatewayOutcome.Approved)
            {
                log.LogWarning("Voiding the payment of order {OrderId} failed ({Message}); the reconciler tries again", orderId, result?.Message ?? "timed out");
                return;
            }
        }
        await ConfirmVoidAsync(orderId, ct);
    }

    // Gives money back; never more than was captured, whatever the callers race.
    // Refunds `amount`; returns what is left to refund. With `requestKey` (an admin's request and its Idempotency-Key)
    // the refund is that request's: it is claimed once, with an attempt under the request's own gateway key, before the
    // gateway is called, so the request repeated after a crash at any point (on any node) finds its claim, asks the
    // gateway again under the same key (which moves money at most once and answers as before) and refunds once.
    public async Task<decimal> RefundAsync(long orderId, decimal amount, CancellationToken ct = default, string? requestKey = null)
    {
        var key = requestKey is null ? $"refund:{orderId}:{Guid.NewGuid():N}" : $"refund:{orderId}:{requestKey}";
        var claim = await ClaimRefundAsync(orderId, amount, key, ct);
        var result = await CallAsync(orderId, PaymentOperation.Refund, amount, key, t => gateway.RefundAsync(key, claim.GatewayPaymentId!, amount, t), ct,
            claim.AttemptId);
        if (result?.Outcome == GatewayOutcome.Approved) return claim.Refundable;
        // The claimed amount goes back so that it can be refunded again.
        await ChangeAsync(orderId, p => p.Refunded -= amount, ct);
        throw new PaymentFailed(orderId, result?.Message ?? "The payment service did not answer in time; nothing was refunded.");
    }

    private sealed record RefundClaim(string? GatewayPaymentId, decimal Refundable, long AttemptId);

    // Under the payment row's lock: the refund's claim (Refunded grows) and its attempt, marked Sent; or, when an attempt
    // under the same key is Sent or Succeeded, that earlier claim (the request is being repeated).
    private async Task<RefundClaim> ClaimRefundAsync(long orderId, decimal amount, string key, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var payment = await LockAsync(orderId, ct);
            var earlier = await db.PaymentAttempts.Where(a => a.OrderId == orderId && a.IdempotencyKey == key && a.Operation == PaymentOperation.Refund)
                .OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
            if (earlier is not null && earlier.Amount != amount) throw new RefundKeyReused(orderId, earlier.Amount, amount);
            if (earlier is { Outcome: AttemptOutcome.Sent or AttemptOutcome.Succeeded })
                return new RefundClaim(payment.GatewayPaymentId, payment.Refundable, earlier.Id);
            payment.Refund(amount);
            var now = clock.GetUtcNow();
            payment.UpdatedAt = now;
            var attempt = earlier ?? new PaymentAttempt { OrderId = orderId, Operation = PaymentOperation.Refund, Amount = amount, IdempotencyKey = key };
            attempt.Outcome = AttemptOutcome.Sent;
            attempt.Reference = null;
            attempt.Message = null;
            attempt.At = now;
            if (earlier is null) db.PaymentAttempts.Add(attempt);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new RefundClaim(payment.GatewayPaymentId, payment.Refundable, attempt.Id);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<IReadOnlyList<PaymentAuditRow>> ListForAuditAsync(CancellationToken ct = default)
    {
        var captures = await db.PaymentAttempts.AsNoTracking().Where(a => a.Operation == PaymentOperation.Capture && a.Outcome == AttemptOutcome.Succeeded)
            .GroupBy(a => a.OrderId).Select(g => new { OrderId = g.Key, Count = g.Select(a => a.Reference).Distinct().Count() }).ToDictionaryAsync(x => x.OrderId, x => x.Count, ct);
        return (await db.Payments.AsNoTracking().ToListAsync(ct))
            .Select(p => new PaymentAuditRow(p.OrderId, p.Status, p.Amount, p.Authorised, p.Captured, p.Refunded, captures.GetValueOrDefault(p.OrderId))).ToList();
    }

    // Makes the payment row agree with its capture attempts after a crash: a capture claimed and never finished
    // (Capturing, whether or not the gateway saw it) or one the gateway approved while the row still says Authorised is
    // finished by CaptureAsync under the order's one capture key, which the gateway answers once: it moves money at most
    // once and hands back the reference it gave. Only rows untouched for ReconcileAfter, so a capture in flight on
    // another node is left to finish itself. Returns the orders it captured.
    public async Task<IReadOnlyList<long>> ReconcileCapturesAsync(int take, CancellationToken ct = default)
    {
        var before = clock.GetUtcNow() - Options.ReconcileAfter;
        var stuck = await db.Payments.AsNoTracking().Where(p => p.UpdatedAt <= before && (p.Status == PaymentStatus.Capturing
                || (p.Status == PaymentStatus.Authorised && db.PaymentAttempts.Any(a => a.OrderId == p.OrderId
                    && a.Operation == PaymentOperation.Capture && a.Outcome == AttemptOutcome.Succeeded))))
            .OrderBy(p => p.OrderId).Select(p => p.OrderId).Take(take).ToListAsync(ct);
        var captured = new List<long>();
        foreach (var orderId in stuck)
        {
            try
            {
                await CaptureAsync(orderId, ct);
                captured.Add(orderId);
                log.LogWarning("Order {OrderId}: a capture a stopped node left unfinished is finished", orderId);
            }
            catch (PaymentFailed e)
            {
                log.LogWarning("Order {OrderId}: finishing an interrupted capture failed ({Message}); tried again later", orderId, e.Message);
            }
            catch (PaymentStateConflict)
            {
                // Moved by someone else meanwhile (captured by a shipment, or refused and released).
            }
        }
        return captured;
    }

    // Payments stuck half-way through a cancellation (a node stopped between the two halves).
    public async Task<IReadOnlyList<long>> ListVoidingAsync(DateTimeOffset before, int take, CancellationToken ct = default) =>
        await db.Payments.AsNoTracking().Where(p => p.Status == PaymentStatus.Voiding && p.UpdatedAt < before).OrderBy(p => p.OrderId)
            .Select(p => p.OrderId).Take(take).ToListAsync(ct);

    // Calls the gateway and records the attempt: a new row, or the Sent row `sentAttempt` written before the call.
    private async Task<GatewayResult?> CallAsync(long orderId, PaymentOperation operation, decimal amount, string key,
        Func<CancellationToken, Task<GatewayResult>> call, CancellationToken ct, long? sentAttempt = null)
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
        var attempt = Attempt(orderId, operation, amount, key, result);
        if (sentAttempt is { } id)
        {
            await db.PaymentAttempts.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Outcome, attempt.Outcome)
                .SetProperty(a => a.Reference, attempt.Reference).SetProperty(a => a.Message, attempt.Message).SetProperty(a => a.At, attempt.At), ct);
            return result;
        }
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
            payment = await LockAsync(orderId, ct);
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

    // The payment row, tracked, under a row lock (PostgreSQL) or the writer lock the transaction holds (SQLite).
    private async Task<Payment> LockAsync(long orderId, CancellationToken ct) =>
        (db.Database.IsNpgsql()
            ? await db.Payments.FromSql($"SELECT * FROM payments WHERE order_id = {orderId} FOR UPDATE").FirstOrDefaultAsync(ct)
            : await db.Payments.FirstOrDefaultAsync(p => p.OrderId == orderId, ct))
        ?? throw new PaymentFailed(orderId, $"Order {orderId} has no payment.");
}
