namespace Bazaar.Orders;

public enum OrderStatus
{
    PendingPayment,
    Paid,
    Fulfilling,
    PartiallyShipped,
    Shipped,
    Delivered,
    ReturnRequested,
    Returned,
    PartiallyRefunded,
    Refunded,
    Cancelled,
}

// What can happen to an order. Which of these are allowed, and where they lead, is OrderTransitions.Table.
public enum OrderAction
{
    ConfirmPayment,
    Cancel,
    ExpireUnpaid,
    StartFulfilment,
    ShipPart,
    ShipRest,
    Deliver,
    RequestReturn,
    RejectReturn,
    ReceiveReturn,
    RefundPart,
    RefundRest,
}

// What a move does besides changing the status; the Orders facade carries these out.
[Flags]
public enum OrderEffects
{
    None = 0,

    // The units not yet shipped go back on the shelf.
    RestockUnshipped = 1,

    // The authorisation is given back (nothing was captured yet).
    VoidPayment = 2,

    // The authorised amount is taken, once per order, at the first shipment.
    CapturePayment = 4,

    // Money goes back, never more than was captured.
    RefundPayment = 8,

    // The returned units go back on the shelf.
    RestockReturned = 16,

    // The order's back-orders start claiming stock (an unpaid order's do not).
    ClaimBackorders = 32,

    // The order's coupon use goes back (a cancelled order does not use up a limited coupon).
    ReleaseCoupon = 64,
}
