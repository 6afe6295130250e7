using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Bazaar.Cart;

// What one shopper, and one client address, may hold and how fast they may add. A shopper is one cart (a guest cookie
// or an account); a client is the address the request came from (through the configured proxies), so a hoarder who
// throws away cookies is still one client. Checked on every node; the unit caps count holds in the database, so they are
// exact across nodes, and the rate limits are counted across nodes when Redis is configured (RateCounters).
public sealed class CartOptions : IValidatableObject
{
    public const string Section = "Cart";

    // Lines one cart may have. Every cart read walks them all, and each can hold stock.
    [Range(1, 1000)]
    public int MaxLines { get; set; } = 50;

    // Units one shopper may hold over all products (one product: at most Cart.MaxLineQuantity, and its purchase limit).
    [Range(1, 100_000)]
    public int MaxUnitsPerShopper { get; set; } = 300;

    // Units all shoppers from one client address may hold together, over all products and of one product.
    [Range(1, 1_000_000)]
    public int MaxUnitsPerClient { get; set; } = 1000;

    [Range(1, 1_000_000)]
    public int MaxUnitsPerClientPerSku { get; set; } = 200;

    // Adds to the cart per minute, per shopper and per client address.
    [Range(1, 1_000_000)]
    public int AddsPerShopperPerMinute { get; set; } = 60;

    [Range(1, 1_000_000)]
    public int AddsPerClientPerMinute { get; set; } = 300;

    // Guests (fresh cookies) who may start a cart from one client address per minute: the hoarder's way round the
    // per-shopper caps is a new cookie per add.
    [Range(1, 1_000_000)]
    public int NewGuestsPerClientPerMinute { get; set; } = 20;

    // Client addresses or networks ("127.0.0.1", "10.0.0.0/8") to which the per-client caps and limits do not apply:
    // a load generator, a trusted back-office host. None by default. The per-shopper caps still apply. "unknown" is the
    // client of requests without an address (an in-process test host).
    public string[] UnlimitedClients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in UnlimitedClients)
            if (entry != CartClient.Unknown && !IPNetwork.TryParse(entry, out _) && !IPAddress.TryParse(entry, out _))
                yield return new ValidationResult(
                    $"Cart:UnlimitedClients: '{entry}' is neither an address, a network (such as 10.0.0.0/8) nor '{CartClient.Unknown}'.",
                    [nameof(UnlimitedClients)]);
    }

    private IReadOnlyList<IPNetwork>? _unlimited;

    internal bool UnknownIsUnlimited => UnlimitedClients.Contains(CartClient.Unknown);

    internal IReadOnlyList<IPNetwork> UnlimitedNetworks() => _unlimited ??= UnlimitedClients.Where(e => e != CartClient.Unknown)
        .Select(e => IPNetwork.TryParse(e, out var network) ? network : new IPNetwork(IPAddress.Parse(e), IPAddress.Parse(e).GetAddressBytes().Length * 8))
        .ToList();
}
