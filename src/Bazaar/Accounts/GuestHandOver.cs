using Bazaar.Cart;
using Microsoft.AspNetCore.Http;

namespace Bazaar.Accounts;

// A guest signed in or registered: what they did as a guest in this browser follows them into the account
// (the cart with its holds, the products they viewed), and the browser gets a new guest id.
public sealed class GuestHandOver(Cart.Cart cart, Recommendations.Recommendations recommendations, GuestCookie cookie)
{
    public async Task HandOverAsync(HttpContext http, string userId, string email, CancellationToken ct = default)
    {
        var (guest, account) = (ShopperKeys.Guest(AnonymousShopper.IdOf(http)), ShopperKeys.Account(userId));
        await cart.MergeAsync(guest, account, "customer:" + email, ct);
        await recommendations.MergeShopperAsync(guest, account, ct);
        AnonymousShopper.Rotate(http, cookie);
    }
}
