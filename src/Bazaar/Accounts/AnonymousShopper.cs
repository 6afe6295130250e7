using Microsoft.AspNetCore.Http;

namespace Bazaar.Accounts;

// Every visitor gets a stable anonymous id in a cookie (sealed, see GuestCookie), so a guest's cart and views survive
// between visits and can be merged into the account on sign-in.
public sealed class AnonymousShopper(RequestDelegate next, GuestCookie cookie)
{
    public const string CookieName = GuestCookie.Name;
    private const string ItemKey = "bazaar:shopper-id";

    public Task InvokeAsync(HttpContext context)
    {
        // A re-executed request (status code pages) already has its id.
        if (context.Items.ContainsKey(ItemKey)) return next(context);
        context.Items[ItemKey] = cookie.Read(context.Request) ?? cookie.Issue(context.Response);
        return next(context);
    }

    public static Guid IdOf(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is Guid id
            ? id
            : throw new InvalidOperationException("The anonymous shopper middleware has not run for this request.");

    // After sign-in the old id (which a shared computer or a stolen cookie may still hold) opens nothing new: the rest
    // of this request and the browser from now on are a fresh guest.
    public static void Rotate(HttpContext context, GuestCookie cookie) => context.Items[ItemKey] = cookie.Issue(context.Response);
}
