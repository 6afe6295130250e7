namespace Bazaar.Cart;

// One product in a shopper's cart. The stock hold for it lives in Inventory (a reservation for the same
// shopper and SKU); the line outlives the hold, so the cart can say when a hold ran out.
public sealed class CartLine
{
    public long Id { get; set; }
    public required string ShopperKey { get; set; }
    public required string Sku { get; set; }
    public int ProductId { get; set; }
    public int Quantity { get; set; }

    // Added while out of stock for a back-orderable product: no units are held for it.
    public bool Backordered { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

// Who a cart belongs to: a guest (the anonymous shopper cookie) or a signed-in account.
public static class ShopperKeys
{
    public static string For(Microsoft.AspNetCore.Http.HttpContext http) =>
        http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } userId
            ? Account(userId)
            : Guest(Accounts.AnonymousShopper.IdOf(http));

    public static string ActorFor(Microsoft.AspNetCore.Http.HttpContext http) =>
        http.User.Identity?.Name is { } name ? "customer:" + name : "guest";

    public static string Guest(Guid anonymousId) => "g:" + anonymousId.ToString("N");

    public static bool IsGuest(string shopperKey) => shopperKey.StartsWith("g:", StringComparison.Ordinal);

    public static string Account(string userId) => "u:" + userId;
}
