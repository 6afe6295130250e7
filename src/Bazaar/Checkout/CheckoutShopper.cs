using System.Security.Claims;
using Bazaar.Accounts;
using Microsoft.AspNetCore.Http;

namespace Bazaar.Checkout;

// Who is checking out: the cart's key, the account (if signed in) and the name the ledger and timeline record.
// ClientAddress: where the request came from (Platform.ClientAddress), for the limits per address.
public sealed record CheckoutShopper(string ShopperKey, string? CustomerId, string? AccountEmail, string Actor, string ClientAddress)
{
    // Resolved at the edge (the checkout endpoints and page), from the request's shopper and client address.
    public static CheckoutShopper Of(HttpContext http)
    {
        var shopper = Shopper.Of(http);
        return new(shopper.Key, http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value,
            http.User.FindFirst(ClaimTypes.Email)?.Value ?? http.User.Identity?.Name, shopper.Actor, Platform.ClientAddress.Of(http));
    }
}
