using System.Text.Json;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Sandbox;

public enum SandboxPayOutcome
{
    Authorised,
    Declined,

    // The payment is not open any more (paid, or cancelled by the merchant).
    Closed,
    NotFound,
}

public sealed record SandboxPayResult(SandboxPayOutcome Outcome, SandboxPayment? Payment, string? Message);

// The sandbox payment provider: its ledger (sandbox_* tables, written in its own unit of work, never inside the
// store's transactions), the answers to the merchant's server-to-server calls, and the webhook events each change
// queues for SandboxWebhookSender. The store talks to it only through SandboxPaymentGateway, as it would to a real
// provider's API; shoppers talk to it only on its hosted page (SandboxPages).
public sealed class SandboxGateway(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SandboxOptions> options)
{
    public const string BasePath = "/sandbox-gateway";

    public static string PayPath(string paymentId) => $"{BasePath}/pay/{paymentId}";

    public async Task<SandboxPayment> OpenAsync(string key, string reference, decimal amount, string currency, string returnUrl, CancellationToken ct)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "A payment is for more than zero.");
        if (!IsReturnUrl(returnUrl)) throw new ArgumentException("The return URL is a path on the merchant's site or an http(s) URL.", nameof(returnUrl));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        // Written first and read only when the key is taken: a repeated key (a merchant retrying) is the rare case.
        var now = clock.GetUtcNow();
        var payment = new SandboxPayment
        {
            Id = "sbpay_" + Guid.NewGuid().ToString("N")[..24], IdempotencyKey = key, MerchantReference = reference, Amount = amount,
            Currency = currency, Status = GatewayPaymentStatus.RequiresPaymentMethod, ReturnUrl = returnUrl, CreatedAt = now, UpdatedAt = now,
        };
        db.SandboxPayments.Add(payment);
        try
        {
            await db.SaveChangesAsync(ct);
            return payment;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await db.SandboxPayments.AsNoTracking().FirstAsync(p => p.IdempotencyKey == key, ct);
        }
    }

    public async Task<SandboxPayment?> FindAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BazaarDb>().SandboxPayments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
    }

    // A try with a card on the hosted page. Test cards decide: 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 has
    // insufficient funds, any other valid number is authorised. Two tries at once: one authorises, the other finds it closed.
    // `payment` is the row as the page just read it (FindAsync); the authorisation is a conditional update, so a
    // change since that read (paid in another tab, voided) is found there, not by reading the row again.
    public async Task<SandboxPayResult> PayAsync(SandboxPayment payment, SandboxCard card, CancellationToken ct)
    {
        var id = payment.Id;
        if (payment.Status != GatewayPaymentStatus.RequiresPaymentMethod) return new(SandboxPayOutcome.Closed, payment, null);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var decline = card.Number switch
        {
            SandboxCard.Declines => "The card was declined.",
            SandboxCard.InsufficientFunds => "The card has insufficient funds.",
            _ => null,
        };
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (decline is not null)
        {
            await db.SandboxPayments.Where(p => p.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(p => p.FailedAttempts, p => p.FailedAttempts + 1).SetProperty(p => p.LastDecline, decline).SetProperty(p => p.UpdatedAt, now), ct);
            Queue(db, payment, "payment.declined", new { message = decline, cardBrand = card.Brand, cardLast4 = card.Last4 }, now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new(SandboxPayOutcome.Declined, payment, decline);
        }
        var won = await db.SandboxPayments.Where(p => p.Id == id && p.Status == GatewayPaymentStatus.RequiresPaymentMethod).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.Status, GatewayPaymentStatus.Authorised).SetProperty(p => p.CardBrand, card.Brand)
            .SetProperty(p => p.CardLast4, card.Last4).SetProperty(p => p.UpdatedAt, now), ct);
        if (won == 0)
        {
            await tx.RollbackAsync(ct);
            return new(SandboxPayOutcome.Closed, await db.SandboxPayments.AsNoTracking().FirstAsync(p => p.Id == id, ct), null);
        }
        Queue(db, payment, "payment.authorised", new { amount = payment.Amount, currency = payment.Currency, cardBrand = card.Brand, cardLast4 = card.Last4 }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(SandboxPayOutcome.Authorised, payment, null);
    }

    // A try the page refused before it reached the card network (an impossible card): it counts towards card testing.
    public async Task CountFailedAttemptAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BazaarDb>().SandboxPayments.Where(p => p.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.FailedAttempts, p => p.FailedAttempts + 1), ct);
    }

    public bool TooManyAttempts(SandboxPayment payment) => payment.FailedAttempts >= options.Value.AttemptsPerPayment;

    public Task<GatewayResult> CaptureAsync(string key, string id, decimal amount, CancellationToken ct) =>
        OperateAsync(key, id, "capture", amount, "payment.captured", async (db, now) =>
        {
            var done = await db.SandboxPayments.Where(p => p.Id == id && p.Status == GatewayPaymentStatus.Authorised && p.Amount >= amount)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, GatewayPaymentStatus.Captured).SetProperty(p => p.Captured, amount)
                    .SetProperty(p => p.UpdatedAt, now), ct);
            if (done == 1) return null;
            var p = await db.SandboxPayments.AsNoTracking().FirstAsync(x => x.Id == id, ct);
            return p.Status switch
            {
                GatewayPaymentStatus.Captured => "The payment was already captured.",
                GatewayPaymentStatus.Voided => "The payment was voided.",
                GatewayPaymentStatus.RequiresPaymentMethod => "The payment has not been authorised.",
                _ => "The capture is larger than the authorisation.",
            };
        }, ct);

    // Closes an open payment (its page refuses cards from now on) or gives an authorisation back.
    public Task<GatewayResult> VoidAsync(string key, string id, CancellationToken ct) =>
        OperateAsync(key, id, "void", 0, "payment.voided", async (db, now) =>
        {
            var done = await db.SandboxPayments
                .Where(p => p.Id == id && (p.Status == GatewayPaymentStatus.RequiresPaymentMethod || p.Status == GatewayPaymentStatus.Authorised))
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, GatewayPaymentStatus.Voided).SetProperty(p => p.UpdatedAt, now), ct);
            if (done == 1) return null;
            var p = await db.SandboxPayments.AsNoTracking().FirstAsync(x => x.Id == id, ct);
            return p.Status == GatewayPaymentStatus.Voided ? null : "The payment was already captured; refund it instead.";
        }, ct);

    public Task<GatewayResult> RefundAsync(string key, string id, decimal amount, CancellationToken ct) =>
        OperateAsync(key, id, "refund", amount, "payment.refunded", async (db, now) =>
        {
            if (amount <= 0) return "A refund is for more than zero.";
            var done = await db.SandboxPayments.Where(p => p.Id == id && p.Status == GatewayPaymentStatus.Captured && p.Refunded + amount <= p.Captured)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.Refunded, p => p.Refunded + amount).SetProperty(p => p.UpdatedAt, now), ct);
            return done == 1 ? null : "The refund is larger than what is left of the capture.";
        }, ct);

    // One server-to-server call: answered once per key (a repeat gets the stored answer), the ledger change, its
    // record and its webhook in one transaction.
    private async Task<GatewayResult> OperateAsync(string key, string id, string kind, decimal amount, string eventType,
        Func<BazaarDb, DateTimeOffset, Task<string?>> apply, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        for (var attempt = 1; ; attempt++)
        {
            if (await db.SandboxOperations.AsNoTracking().FirstOrDefaultAsync(o => o.Key == key, ct) is { } done)
                return new GatewayResult(done.Outcome, done.Reference, done.Message);
            var payment = await db.SandboxPayments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (payment is null) return GatewayResult.Declined("No such payment.");
            var now = clock.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var refusal = await apply(db, now);
            var reference = refusal is null ? $"{kind[..3]}_{Guid.NewGuid().ToString("N")[..16]}" : null;
            db.SandboxOperations.Add(new SandboxOperation
            {
                Key = key, PaymentId = id, Kind = kind, Outcome = refusal is null ? GatewayOutcome.Approved : GatewayOutcome.Declined,
                Reference = reference, Message = refusal, Amount = amount, At = now,
            });
            if (refusal is null) Queue(db, payment, eventType, new { amount, reference }, now);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return new GatewayResult(refusal is null ? GatewayOutcome.Approved : GatewayOutcome.Declined, reference, refusal);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // The same key at the same time: the other call's answer is the answer.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    private static void Queue(BazaarDb db, SandboxPayment payment, string type, object data, DateTimeOffset now)
    {
        var eventId = "evt_" + Guid.NewGuid().ToString("N")[..24];
        var payload = JsonSerializer.Serialize(new
        {
            id = eventId,
            type,
            created = now.ToUnixTimeSeconds(),
            data = new { paymentId = payment.Id, merchantReference = payment.MerchantReference, details = data },
        });
        db.SandboxWebhooks.Add(new SandboxWebhook
        {
            EventId = eventId, PaymentId = payment.Id, Type = type, Payload = payload, CreatedAt = now, NextAttemptAt = now,
        });
    }

    private static bool IsReturnUrl(string url) =>
        (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal))
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
