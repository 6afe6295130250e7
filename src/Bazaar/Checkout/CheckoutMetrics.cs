using System.Diagnostics.Metrics;

namespace Bazaar.Checkout;

public sealed class CheckoutMetrics : IDisposable
{
    public const string MeterName = "Bazaar.Checkout";
    private readonly Meter _meter = new(MeterName);

    public CheckoutMetrics()
    {
        Outcomes = _meter.CreateCounter<long>("bazaar.checkout.outcomes", "{checkout}",
            "Checkouts by outcome: paid, declined, payment_pending, cancelled, replayed, invalid, unavailable_lines, key_reused, rate_limited.");
    }

    public Counter<long> Outcomes { get; }

    public void Count(string outcome) => Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}

// Bounds the checkouts placed at once on this node (Checkout:MaxConcurrentPlacements): in a flash sale a thousand
// buyers check out together; the rest wait their turn in memory instead of in the database connection pool, where
// they would starve every other request.
public sealed class CheckoutThrottle(Microsoft.Extensions.Options.IOptions<CheckoutOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentPlacements);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
