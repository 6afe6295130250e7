using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bazaar.Checkout;

public sealed class CheckoutRateLimited(TimeSpan retryAfter)
    : Exception($"Too many orders placed in a short time; wait {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds and place the order again. Nothing was ordered.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

// How many new orders one shopper may try to place per minute (Checkout:PlacementsPerShopperPerMinute), on this node.
// Counted here rather than by the HTTP rate limiter in front of the endpoints: the storefront's "Update the totals" and
// "Place the order" post the same form to the same address, and a request repeated with its Idempotency-Key (a client
// asking how its 202 ended) places nothing, so neither should use up an attempt. Partitioned by the cart's shopper key,
// not the address: the flash-sale benchmark and the tests send every buyer from one address, each with its own cookie.
public sealed class CheckoutRateLimit(IOptions<CheckoutOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(shopperKey =>
        RateLimitPartition.GetFixedWindowLimiter(shopperKey, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PlacementsPerShopperPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    // Throws CheckoutRateLimited when the shopper has used up this minute's attempts.
    public void Take(string shopperKey)
    {
        using var lease = _limiter.AttemptAcquire(shopperKey);
        if (lease.IsAcquired) return;
        throw new CheckoutRateLimited(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _limiter.Dispose();
}
