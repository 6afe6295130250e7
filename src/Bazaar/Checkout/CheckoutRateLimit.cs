using System.Threading.RateLimiting;
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

// How many checkouts are tried per minute, on this node:
// - requests, new or repeated, per shopper (Checkout:RequestsPerShopperPerMinute) and per client address, all its
//   shoppers together (Checkout:RequestsPerClientPerMinute), counted before any work so that a flood is refused
//   without touching the database or a placement slot; fresh guest cookies cost nothing, an address does;
// - new orders per shopper (Checkout:PlacementsPerShopperPerMinute).
// Counted here rather than by the HTTP rate limiter in front of the endpoints: the storefront's "Update the totals" and
// "Place the order" post the same form to the same address, and only placing should use up an attempt.
public sealed class CheckoutRateLimit(IOptions<CheckoutOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _requestsByShopper =
        PerMinute(() => options.Value.RequestsPerShopperPerMinute);
    private readonly PartitionedRateLimiter<string> _requestsByClient =
        PerMinute(() => options.Value.RequestsPerClientPerMinute);
    private readonly PartitionedRateLimiter<string> _placementsByShopper =
        PerMinute(() => options.Value.PlacementsPerShopperPerMinute);

    // Throws CheckoutRateLimited when the shopper or their address has sent too many checkout requests this minute.
    // The shopper's limit is asked first: a shopper over it uses up nothing of the address's.
    public void TakeRequest(string shopperKey, string clientAddress)
    {
        const string message = "Too many checkout requests in a short time; wait {0} seconds and send it again (with " +
            "the same Idempotency-Key to learn how an earlier checkout ended). Nothing was ordered by this request.";
        Take(_requestsByShopper, shopperKey, message);
        Take(_requestsByClient, clientAddress, message);
    }

    // Throws CheckoutRateLimited when the shopper has used up this minute's new orders.
    public void TakePlacement(string shopperKey) => Take(_placementsByShopper, shopperKey, null);

    private static void Take(PartitionedRateLimiter<string> limiter, string partition, string? message)
    {
        using var lease = limiter.AttemptAcquire(partition);
        if (lease.IsAcquired) return;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? wait
            : TimeSpan.FromMinutes(1);
        throw new CheckoutRateLimited(retryAfter, message is null ? null
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, message, CheckoutRateLimited.Seconds(retryAfter)));
    }

    private static PartitionedRateLimiter<string> PerMinute(Func<int> permits) =>
        PartitionedRateLimiter.Create<string, string>(partition =>
            RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits(),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));

    public void Dispose()
    {
        _requestsByShopper.Dispose();
        _requestsByClient.Dispose();
        _placementsByShopper.Dispose();
    }
}
