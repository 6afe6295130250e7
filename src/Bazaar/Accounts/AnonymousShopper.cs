using Bazaar.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bazaar.Accounts;

// Every visitor gets a stable anonymous id in a cookie, so a guest's cart and views survive
// between visits and can be merged into the account on sign-in.
public sealed class AnonymousShopper(RequestDelegate next, IOptions<HttpsOptions> https)
{
    public const string CookieName = "bazaar_shopper";
    private const string ItemKey = "bazaar:shopper-id";

    public Task InvokeAsync(HttpContext context)
    {
        // A re-executed request (status code pages) already has its id.
        if (context.Items.ContainsKey(ItemKey)) return next(context);
        var name = https.Value.CookieName(CookieName);
        if (!(context.Request.Cookies.TryGetValue(name, out var raw) && Guid.TryParse(raw, out var id)))
        {
            id = Guid.NewGuid();
            context.Response.Cookies.Append(name, id.ToString("N"), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
        }
        context.Items[ItemKey] = id;
        return next(context);
    }

    public static Guid IdOf(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is Guid id
            ? id
            : throw new InvalidOperationException("The anonymous shopper middleware has not run for this request.");
}
