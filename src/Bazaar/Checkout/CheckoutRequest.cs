namespace Bazaar.Checkout;

// One Idempotency-Key of one shopper: written in the transaction that places the order, so a key has an order or
// nothing. A later request with the key gets the same order and status; with another body, a 422.
public sealed class CheckoutRequest
{
    public required string ShopperKey { get; set; }
    public required string Key { get; set; }

    // SHA-256 of the normalised request body: tells "the same request again" from "the key reused for another".
    public required string RequestHash { get; set; }

    // Set in the same transaction as the insert; null only inside it.
    public long? OrderId { get; set; }

    // The final answer (201 paid, 402 declined, 409 cancelled meanwhile); null while the payment is still open.
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
