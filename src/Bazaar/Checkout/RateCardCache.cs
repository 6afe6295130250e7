namespace Bazaar.Checkout;

// The rate card of this node, kept for Checkout:RatesRefreshInterval so that a quote does not read the shipping and
// tax tables every time. An edit on this node forgets it at once; other nodes see the edit within the interval.
public sealed class RateCardCache(TimeProvider clock, Microsoft.Extensions.Options.IOptions<CheckoutOptions> options)
{
    private readonly Lock gate = new();
    private (RateCard Card, DateTimeOffset LoadedAt, long Generation)? current;
    private long generation;

    public RateCard? Fresh()
    {
        lock (gate)
            return current is { } c && c.Generation == generation && clock.GetUtcNow() - c.LoadedAt < options.Value.RatesRefreshInterval
                ? c.Card
                : null;
    }

    // The generation a load starts at: a card loaded across an edit is not kept (it may predate the edit).
    public long Generation
    {
        get
        {
            lock (gate) return generation;
        }
    }

    public void Keep(RateCard card, long loadedAtGeneration)
    {
        lock (gate)
            if (loadedAtGeneration == generation) current = (card, clock.GetUtcNow(), generation);
    }

    public void Forget()
    {
        lock (gate)
        {
            generation++;
            current = null;
        }
    }
}
