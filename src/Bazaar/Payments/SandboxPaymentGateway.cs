using System.Collections.Concurrent;

namespace Bazaar.Payments;

// A built-in test mode, in the manner of well-known payment providers' test cards. It keeps its ledger in memory
// (one per node), answers by card number, and honours idempotency keys like a real provider.
public sealed class SandboxPaymentGateway : IPaymentGateway
{
    public const string Succeeds = "4242424242424242";
    public const string Declines = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";
    public const string NeedsRetry = "4000000000000119";
    public const string TimesOut = "4000000000000515";

    private sealed class Authorisation(decimal amount)
    {
        public decimal Amount { get; } = amount;
        public decimal Captured { get; set; }
        public decimal Refunded { get; set; }
        public bool Voided { get; set; }
        public int Captures { get; set; }
    }

    private readonly ConcurrentDictionary<string, Lazy<GatewayResult>> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Authorisation> _authorisations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _captureToAuthorisation = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _retriesSeen = new(StringComparer.Ordinal);
    private readonly Lock _ledger = new();

    public Task<GatewayResult> AuthoriseAsync(string idempotencyKey, CardDetails card, decimal amount, string currency, CancellationToken ct)
    {
        switch (card.Number)
        {
            case TimesOut:
                // Never answers: the caller's timeout decides. Nothing is authorised.
                return NeverAnswersAsync(ct);
            case NeedsRetry when _retriesSeen.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1) == 1:
                // The first try of each key fails transiently (not remembered under the key); the next one goes through.
                return Task.FromResult(new GatewayResult(GatewayOutcome.Retryable, null, "processing error, try again"));
        }
        return Once(idempotencyKey, () => card.Number switch
        {
            Declines => GatewayResult.Declined("The card was declined."),
            InsufficientFunds => GatewayResult.Declined("The card has insufficient funds."),
            _ when card.ExpiryYear < DateTime.UtcNow.Year => GatewayResult.Declined("The card has expired."),
            _ => Authorise(amount),
        });
    }

    private GatewayResult Authorise(decimal amount)
    {
        var reference = "auth_" + Guid.NewGuid().ToString("N")[..16];
        _authorisations[reference] = new Authorisation(amount);
        return GatewayResult.Approved(reference);
    }

    public Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorisationRef, decimal amount, CancellationToken ct) =>
        Once(idempotencyKey, () =>
        {
            lock (_ledger)
            {
                if (!_authorisations.TryGetValue(authorisationRef, out var auth)) return GatewayResult.Declined("No such authorisation.");
                if (auth.Voided) return GatewayResult.Declined("The authorisation was voided.");
                if (auth.Captures > 0) return GatewayResult.Declined("The authorisation was already captured.");
                if (amount > auth.Amount) return GatewayResult.Declined("The capture is larger than the authorisation.");
                auth.Captures++;
                auth.Captured = amount;
                var reference = "cap_" + Guid.NewGuid().ToString("N")[..16];
                _captureToAuthorisation[reference] = authorisationRef;
                return GatewayResult.Approved(reference);
            }
        });

    public Task<GatewayResult> VoidAsync(string idempotencyKey, string authorisationRef, CancellationToken ct) =>
        Once(idempotencyKey, () =>
        {
            lock (_ledger)
            {
                if (!_authorisations.TryGetValue(authorisationRef, out var auth)) return GatewayResult.Declined("No such authorisation.");
                if (auth.Captures > 0) return GatewayResult.Declined("The authorisation was already captured; refund it instead.");
                auth.Voided = true;
                return GatewayResult.Approved("void_" + Guid.NewGuid().ToString("N")[..16]);
            }
        });

    public Task<GatewayResult> RefundAsync(string idempotencyKey, string captureRef, decimal amount, CancellationToken ct) =>
        Once(idempotencyKey, () =>
        {
            lock (_ledger)
            {
                if (!_captureToAuthorisation.TryGetValue(captureRef, out var authRef)) return GatewayResult.Declined("No such capture.");
                var auth = _authorisations[authRef];
                if (amount <= 0 || auth.Refunded + amount > auth.Captured) return GatewayResult.Declined("The refund is larger than what is left of the capture.");
                auth.Refunded += amount;
                return GatewayResult.Approved("re_" + Guid.NewGuid().ToString("N")[..16]);
            }
        });

    // What the sandbox saw for an authorisation: for tests and the benchmark, which count money at the "provider".
    public (decimal Amount, int Captures, decimal Captured, decimal Refunded, bool Voided)? Inspect(string authorisationRef)
    {
        lock (_ledger)
            return _authorisations.TryGetValue(authorisationRef, out var a) ? (a.Amount, a.Captures, a.Captured, a.Refunded, a.Voided) : null;
    }

    public int AuthorisationCount => _authorisations.Count;

    private static async Task<GatewayResult> NeverAnswersAsync(CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new System.Diagnostics.UnreachableException();
    }

    // The first call with a key does the work; every later call with it gets the same answer.
    private Task<GatewayResult> Once(string key, Func<GatewayResult> operation) =>
        Task.FromResult(_byKey.GetOrAdd(key, _ => new Lazy<GatewayResult>(operation)).Value);
}
