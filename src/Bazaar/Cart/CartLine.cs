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
