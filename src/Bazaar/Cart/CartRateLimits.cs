using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bazaar.Cart;

public sealed class CartRateLimited(string limit, TimeSpan retryAfter, string message) : Exception(message)
{
    // The setting that ran out, e.g. Cart:AddsPerClientPerMinute.
    public string Limit { get; } = limit;
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

// How fast one shopper and one client address may add to carts, and start new guest carts, on this node (fixed
// one-minute windows). Counted in the cart rather than by the HTTP rate limiter, so that the storefront's form and the
// API share one count, and so that "a new guest" can mean what it costs: a guest cookie that starts a cart.
public sealed class CartRateLimits(IOptions<CartOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _addsByShopper = PerMinute(() => options.Value.AddsPerShopperPerMinute);
    private readonly PartitionedRateLimiter<string> _addsByClient = PerMinute(() => options.Value.AddsPerClientPerMinute);
    private readonly PartitionedRateLimiter<string> _newGuestsByClient = PerMinute(() => options.Value.NewGuestsPerClientPerMinute);

    private static PartitionedRateLimiter<string> PerMinute(Func<int> permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    // Returns the refusal when the shopper or their client has used up this minute's adds.
    public CartRateLimited? TakeAdd(string shopperKey, CartClient client) =>
        Take(_addsByShopper, shopperKey, "Cart:AddsPerShopperPerMinute", "Too many adds to this cart in a minute")
        ?? (client.Unlimited ? null : Take(_addsByClient, client.Key, "Cart:AddsPerClientPerMinute", "Too many adds to carts from this address in a minute"));

    public CartRateLimited? TakeNewGuest(CartClient client) => client.Unlimited ? null
        : Take(_newGuestsByClient, client.Key, "Cart:NewGuestsPerClientPerMinute", "Too many new guest carts from this address in a minute");

    private static CartRateLimited? Take(PartitionedRateLimiter<string> limiter, string key, string limit, string what)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return new CartRateLimited(limit, retryAfter,
            $"{what}; wait {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds and try again. Nothing was added.");
    }

    public void Dispose()
    {
        _addsByShopper.Dispose();
        _addsByClient.Dispose();
        _newGuestsByClient.Dispose();
    }
}
