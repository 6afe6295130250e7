using Microsoft.AspNetCore.Http;

namespace Bazaar.Accounts;

// A guest signed in or registered: what they did as a guest in this browser follows them into the account
// (each IGuestHandOver, in registration order), and the browser gets a new guest id.
public sealed class GuestHandOver(IEnumerable<IGuestHandOver> modules, GuestCookie cookie)
{
    public async Task HandOverAsync(HttpContext http, string userId, string email, CancellationToken ct = default)
    {
        var (guest, account) = (Shopper.GuestKey(AnonymousShopper.IdOf(http)), Shopper.AccountKey(userId));
        foreach (var module in modules) await module.HandOverAsync(guest, account, "customer:" + email, ct);
        AnonymousShopper.Rotate(http, cookie);
    }
}
