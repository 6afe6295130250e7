using Bazaar.Inventory;

namespace Bazaar.Cart;

public enum HoldState
{
    // Every unit of the line is held until HoldExpiresAt.
    Held,

    // Some units are held; the rest are not (the hold ran out, then more were added).
    PartlyHeld,

    // The hold ran out; checkout tries to hold the units again.
    Expired,

    // Back-ordered: nothing is held, the line ships when stock arrives.
    Backordered,
}

public sealed record CartLineView(
    long LineId,
    int ProductId,
    string Sku,
    string Title,
    string Slug,
    string? ImageUrl,
    decimal UnitPrice,
    string Currency,
    int Quantity,
    int HeldQuantity,
    decimal LineTotal,
    HoldState Hold,
    DateTimeOffset? HoldExpiresAt,
    string StockLabel);

public sealed record CartView(IReadOnlyList<CartLineView> Lines, int ItemCount, decimal Subtotal, string Currency, DateTimeOffset? NextExpiry)
{
    public static CartView Empty { get; } = new([], 0, 0m, "USD", null);
}

public sealed class CartInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

public sealed class CartLineNotFound(string sku) : Exception($"There is no {sku} in the cart.")
{
    public string Sku { get; } = sku;
}

internal static class StockLabels
{
    public static string For(StockLevel? level) => level?.Label ?? "Out of stock";
}
