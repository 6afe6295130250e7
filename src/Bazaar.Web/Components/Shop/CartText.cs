using System.Globalization;
using Bazaar.Cart;
using Bazaar.Inventory;

namespace Bazaar.Web.Components.Shop;

// What the storefront tells a shopper about holds and about the cart's refusals.
public static class CartText
{
    // A refusal to add to the cart, said on the product page; null for exceptions that are not refusals.
    public static string? AddRefusal(Exception e) => e switch
    {
        InsufficientStock { Available: 0 } => "Sorry, it has just sold out: there are none left to hold for you.",
        InsufficientStock s => $"Only {s.Available} left: we can't hold {s.Requested} for you. Choose {s.Available} or fewer.",
        PurchaseLimitExceeded { AlreadyHeld: 0 } l => $"You can buy at most {l.Limit} of this product.",
        PurchaseLimitExceeded l => $"You can buy at most {l.Limit} of this product, and your cart already holds {l.AlreadyHeld}.",
        _ => CommonRefusal(e),
    };

    // A refusal to change a cart line to `quantity`; the line already holds `held` units.
    public static string? ChangeRefusal(Exception e, int quantity, int held) => e switch
    {
        InsufficientStock { Available: 0 } when held == 0 => "Sorry, it has sold out: there are none left to hold for you.",
        InsufficientStock { Available: 0 } => $"There are no more left: your cart can hold only the {held} you have.",
        InsufficientStock s => $"Only {held + s.Available} can be held for you, not {quantity}. Choose {held + s.Available} or fewer.",
        PurchaseLimitExceeded l => $"You can buy at most {l.Limit} of this product.",
        _ => CommonRefusal(e),
    };

    private static string? CommonRefusal(Exception e) => e switch
    {
        CartInputException i => i.Message,
        CartCapReached c => c.Message,
        CartRateLimited l => l.Message,
        UnknownSku => "This product is not sold right now.",
        CartLineNotFound => "This item is no longer in your cart.",
        NoActiveHold => "Your hold changed in the meantime; please try again.",
        _ => null,
    };

    // "30 minutes", "2 hours", "1 h 30 min".
    public static string Duration(TimeSpan span)
    {
        var minutes = (int)Math.Round(span.TotalMinutes);
        if (minutes < 1) return $"{Math.Max(1, (int)Math.Round(span.TotalSeconds))} seconds";
        if (minutes < 60) return minutes == 1 ? "1 minute" : $"{minutes} minutes";
        var (h, m) = (minutes / 60, minutes % 60);
        return m == 0 ? (h == 1 ? "1 hour" : $"{h} hours") : $"{h} h {m} min";
    }

    // The static text the countdown script replaces every second: "29 min left", "1 h 5 min left", "less than a minute left".
    public static string TimeLeft(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        if (left <= TimeSpan.Zero) return "time's up";
        var minutes = (int)Math.Floor(left.TotalMinutes);
        if (minutes < 1) return "less than a minute left";
        return minutes < 60 ? $"{minutes} min left" : $"{minutes / 60} h {minutes % 60} min left";
    }

    // Pages render in UTC (the server can't know the shopper's zone); the countdown script rewrites it in local time.
    public static string ClockTime(DateTimeOffset at) => at.ToUniversalTime().ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
