using System.Diagnostics.Metrics;

namespace Bazaar.Checkout;

public sealed class CheckoutMetrics : IDisposable
{
    public const string MeterName = "Bazaar.Checkout";
    private readonly Meter _meter = new(MeterName);

    public CheckoutMetrics()
    {
        Outcomes = _meter.CreateCounter<long>("bazaar.checkout.outcomes", "{checkout}",
            "Checkouts by outcome: paid, declined, payment_pending, replayed, invalid, unavailable_lines, key_reused.");
    }

    public Counter<long> Outcomes { get; }

    public void Count(string outcome) => Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
