namespace Bazaar.Checkout;

// One Idempotency-Key of one shopper: written in the transaction that places the order, so a key has an order or
// nothing. A later request with the key gets the same order and status; with another body, a 422.
public sealed class CheckoutRequest
{
    public required string ShopperKey { get; set; }
    public required string Key { get; set; }

    // SHA-256 of the normalised request body: tells "the same request again" from "the key reused for another".
    public required string RequestHash { get; set; }

    // Written with the key, in the transaction that writes the order.
    public long? OrderId { get; set; }

    // No longer written: a repeated key is answered from its order's status (Checkout.ResumeAsync), so writing the
    // answer here was a statement per payment nobody read. The column stays until a migration drops it.
    public int? ResponseStatus { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

// A signed-in shopper's address book: every address they shipped to, most recently used first.
public sealed class SavedAddress
{
    public long Id { get; set; }
    public required string CustomerId { get; set; }
    public required string Name { get; set; }
    public required string Line1 { get; set; }
    public string? Line2 { get; set; }
    public required string City { get; set; }
    public string? Region { get; set; }
    public required string PostalCode { get; set; }
    public required string Country { get; set; }
    public string? Phone { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
}
