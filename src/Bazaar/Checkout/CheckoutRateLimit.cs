using Bazaar.Platform;
using Microsoft.Extensions.Options;

namespace Bazaar.Checkout;

public sealed class CheckoutRateLimited(TimeSpan retryAfter, string? message = null)
    : Exception(message ?? $"Too many orders placed in a short time; wait {Seconds(retryAfter)} seconds and place the order "
        + "again. Nothing was ordered.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Seconds(RetryAfter);

    public static int Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));
}

// How many checkouts are tried per minute (across nodes with Redis: RateCounters):
// - requests, new or repeated, per shopper (Checkout:RequestsPerShopperPerMinute) and per client address, all its
//   shoppers together (Checkout:RequestsPerClientPerMinute), counted before any work so that a flood is refused
//   without touching the database or a placement slot; fresh guest cookies cost nothing, an address does;
// - new orders per shopper (Checkout:PlacementsPerShopperPerMinute).
// Counted here rather than by the HTTP rate limiter in front of the endpoints: the storefront's "Update the totals" and
// "Place the order" post the same form to the same address, and only placing should use up an attempt.
public sealed class CheckoutRateLimit(IOptions<CheckoutOptions> options, RateCounters counters)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // Throws CheckoutRateLimited when the shopper or their address has sent too many checkout requests this minute.
    // The shopper's limit is asked first: a shopper over it uses up nothing of the address's.
    public async Task TakeRequestAsync(string shopperKey, string clientAddress)
    {
        const string message = "Too many checkout requests in a short time; wait {0} seconds and send it again (with " +
            "the same Idempotency-Key to learn how an earlier checkout ended). Nothing was ordered by this request.";
        await TakeAsync("Checkout:RequestsPerShopperPerMinute", shopperKey, options.Value.RequestsPerShopperPerMinute, message);
        await TakeAsync("Checkout:RequestsPerClientPerMinute", clientAddress, options.Value.RequestsPerClientPerMinute, message);
    }

    // Throws CheckoutRateLimited when the shopper has used up this minute's new orders.
    public Task TakePlacementAsync(string shopperKey) =>
        TakeAsync("Checkout:PlacementsPerShopperPerMinute", shopperKey, options.Value.PlacementsPerShopperPerMinute, null);

    private async Task TakeAsync(string limit, string partition, int permits, string? message)
    {
        if (await counters.TakeAsync(limit, partition, permits, Minute) is not { } retryAfter) return;
        throw new CheckoutRateLimited(retryAfter, message is null ? null
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, message, CheckoutRateLimited.Seconds(retryAfter)));
    }
}
