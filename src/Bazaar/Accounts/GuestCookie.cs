using System.Security.Cryptography;
using Bazaar.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bazaar.Accounts;

// The guest's id travels in a cookie sealed with the store's data-protection keys (shared by every node): a value
// nobody issued, a planted plain id or a tampered one does not open, and its holder gets a fresh guest. The id behind
// it is a bearer secret (it opens the guest's cart and orders), so it is replaced when the guest signs in.
public sealed class GuestCookie(IDataProtectionProvider protection, IOptions<HttpsOptions> https)
{
    public const string Name = "bazaar_shopper";
    private readonly IDataProtector _protector = protection.CreateProtector("Bazaar.Accounts.GuestCookie.v1");

    public string CookieName => https.Value.CookieName(Name);

    public Guid? Read(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var sealedId) || string.IsNullOrEmpty(sealedId)) return null;
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(sealedId), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public Guid Issue(HttpResponse response)
    {
        var id = Guid.NewGuid();
        response.Cookies.Append(CookieName, _protector.Protect(id.ToString("N")), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = https.Value.Required || response.HttpContext.Request.IsHttps,
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
        return id;
    }
}
