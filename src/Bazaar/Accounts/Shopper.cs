using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Bazaar.Accounts;

// Who is shopping: a guest (the anonymous shopper cookie) or a signed-in account. Resolved once at the edge, from the
// request, and passed in: an endpoint takes a `Shopper` parameter (minimal APIs bind it with BindAsync), a page calls
// Shopper.Of; modules receive its Key and Actor and never look the shopper up themselves.
public sealed record Shopper(string Key, string Actor)
{
    public bool IsGuest => IsGuestKey(Key);

    public static Shopper Of(HttpContext http) => new(
        http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } userId ? AccountKey(userId) : GuestKey(AnonymousShopper.IdOf(http)),
        http.User.Identity?.Name is { } name ? "customer:" + name : "guest");

    public static ValueTask<Shopper?> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult<Shopper?>(Of(http));

    public static string GuestKey(Guid anonymousId) => "g:" + anonymousId.ToString("N");

    public static string AccountKey(string userId) => "u:" + userId;

    public static bool IsGuestKey(string shopperKey) => shopperKey.StartsWith("g:", StringComparison.Ordinal);
}
