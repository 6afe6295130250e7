namespace Bazaar.Orders;

// The invoice of one paid order: numbered once, in the order invoices were first asked for, without gaps (a number
// is the next after the highest committed one, so a rolled-back attempt uses none up).
public sealed class Invoice
{
    public long OrderId { get; set; }
    public long Number { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
}

public sealed record InvoiceView(long OrderId, long Number, string Code, DateTimeOffset IssuedAt);

// An order that was never paid (or not yet) is not invoiced.
public sealed class NotInvoiceable(long orderId, OrderStatus status)
    : Exception($"Order {orderId} is {status} and was never paid: it has no invoice.");
