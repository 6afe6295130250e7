using Bazaar.Platform;
using Microsoft.Extensions.Options;

namespace Bazaar.Cart;

public sealed class CartRateLimited(string limit, TimeSpan retryAfter, string message) : Exception(message)
{
    // The setting that ran out, e.g. Cart:AddsPerClientPerMinute.
    public string Limit { get; } = limit;
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

// How fast one shopper and one client address may add to carts, and start new guest carts (one-minute windows, across
// nodes with Redis: RateCounters). Counted in the cart rather than by the HTTP rate limiter, so that the storefront's
// form and the API share one count, and so that "a new guest" can mean what it costs: a guest cookie that starts a cart.
public sealed class CartRateLimits(IOptions<CartOptions> options, RateCounters counters)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // Returns the refusal when the shopper or their client has used up this minute's adds.
    public async ValueTask<CartRateLimited?> TakeAddAsync(string shopperKey, CartClient client) =>
        await TakeAsync("Cart:AddsPerShopperPerMinute", shopperKey, options.Value.AddsPerShopperPerMinute,
            "Too many adds to this cart in a minute")
        ?? (client.Unlimited ? null : await TakeAsync("Cart:AddsPerClientPerMinute", client.Key,
            options.Value.AddsPerClientPerMinute, "Too many adds to carts from this address in a minute"));

    public async ValueTask<CartRateLimited?> TakeNewGuestAsync(CartClient client) => client.Unlimited ? null
        : await TakeAsync("Cart:NewGuestsPerClientPerMinute", client.Key, options.Value.NewGuestsPerClientPerMinute,
            "Too many new guest carts from this address in a minute");

    private async ValueTask<CartRateLimited?> TakeAsync(string limit, string key, int permits, string what)
    {
        if (await counters.TakeAsync(limit, key, permits, Minute) is not { } retryAfter) return null;
        return new CartRateLimited(limit, retryAfter,
            $"{what}; wait {RateCounters.Seconds(retryAfter)} seconds and try again. Nothing was added.");
    }
}
