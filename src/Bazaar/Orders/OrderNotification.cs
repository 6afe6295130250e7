namespace Bazaar.Orders;

// The outbox of messages to shoppers: written in the transaction that moves the order, sent afterwards by
// OrderNotificationSender (to the log for now; a mail sender can take its place), so none is lost or invented.
public sealed class OrderNotification
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public required string Email { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}
