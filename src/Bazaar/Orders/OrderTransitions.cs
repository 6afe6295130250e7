namespace Bazaar.Orders;

public sealed record OrderTransition(OrderStatus From, OrderAction Action, OrderStatus To, OrderEffects Effects);

// The one transition table of an order. A move not in this table is refused (InvalidOrderMove, 409 on the API).
//
// Payment: an order is written PendingPayment when the shopper goes to the gateway's page, and becomes Paid (its stock
// committed, its cart lines gone) in one transaction when the gateway reports the authorisation; captured once at the first shipment (partial or whole), so that a shopper is
// never charged for goods that have not left; cancelling before shipment voids the authorisation. See ADR 0006.
public static class OrderTransitions
{
    private const OrderStatus Pending = OrderStatus.PendingPayment;

    public static IReadOnlyList<OrderTransition> Table { get; } =
    [
        new(Pending, OrderAction.ConfirmPayment, OrderStatus.Paid, OrderEffects.ClaimBackorders),
        // An unpaid order holds no stock (its units are still the cart's holds until it is paid): cancelling it only
        // closes its payment at the gateway, so that its page takes no card after.
        new(Pending, OrderAction.Cancel, OrderStatus.Cancelled, OrderEffects.VoidPayment | OrderEffects.ReleaseCoupon),
        new(Pending, OrderAction.ExpireUnpaid, OrderStatus.Cancelled, OrderEffects.VoidPayment | OrderEffects.ReleaseCoupon),

        new(OrderStatus.Paid, OrderAction.Cancel, OrderStatus.Cancelled,
            OrderEffects.RestockUnshipped | OrderEffects.VoidPayment | OrderEffects.ReleaseCoupon),
        new(OrderStatus.Paid, OrderAction.StartFulfilment, OrderStatus.Fulfilling, OrderEffects.None),
        new(OrderStatus.Paid, OrderAction.ShipPart, OrderStatus.PartiallyShipped, OrderEffects.CapturePayment),
        new(OrderStatus.Paid, OrderAction.ShipRest, OrderStatus.Shipped, OrderEffects.CapturePayment),

        new(OrderStatus.Fulfilling, OrderAction.Cancel, OrderStatus.Cancelled,
            OrderEffects.RestockUnshipped | OrderEffects.VoidPayment | OrderEffects.ReleaseCoupon),
        new(OrderStatus.Fulfilling, OrderAction.ShipPart, OrderStatus.PartiallyShipped, OrderEffects.CapturePayment),
        new(OrderStatus.Fulfilling, OrderAction.ShipRest, OrderStatus.Shipped, OrderEffects.CapturePayment),

        new(OrderStatus.PartiallyShipped, OrderAction.ShipPart, OrderStatus.PartiallyShipped, OrderEffects.CapturePayment),
        new(OrderStatus.PartiallyShipped, OrderAction.ShipRest, OrderStatus.Shipped, OrderEffects.CapturePayment),

        new(OrderStatus.Shipped, OrderAction.Deliver, OrderStatus.Delivered, OrderEffects.None),
        new(OrderStatus.Shipped, OrderAction.RefundPart, OrderStatus.PartiallyRefunded, OrderEffects.RefundPayment),
        new(OrderStatus.Shipped, OrderAction.RefundRest, OrderStatus.Refunded, OrderEffects.RefundPayment),

        new(OrderStatus.Delivered, OrderAction.RequestReturn, OrderStatus.ReturnRequested, OrderEffects.None),
        new(OrderStatus.Delivered, OrderAction.RefundPart, OrderStatus.PartiallyRefunded, OrderEffects.RefundPayment),
        new(OrderStatus.Delivered, OrderAction.RefundRest, OrderStatus.Refunded, OrderEffects.RefundPayment),

        new(OrderStatus.ReturnRequested, OrderAction.RejectReturn, OrderStatus.Delivered, OrderEffects.None),
        new(OrderStatus.ReturnRequested, OrderAction.ReceiveReturn, OrderStatus.Returned, OrderEffects.RestockReturned),

        // Receiving a return refunds what the received units were bought for (the facade's second move, from here), so
        // an order stays Returned only when that refund failed or was nothing; the shopper may still return the rest.
        new(OrderStatus.Returned, OrderAction.RequestReturn, OrderStatus.ReturnRequested, OrderEffects.None),
        new(OrderStatus.Returned, OrderAction.RefundPart, OrderStatus.PartiallyRefunded, OrderEffects.RefundPayment),
        new(OrderStatus.Returned, OrderAction.RefundRest, OrderStatus.Refunded, OrderEffects.RefundPayment),

        // Partly refunded (a goodwill refund, or some units returned): the units still with the shopper may come back.
        new(OrderStatus.PartiallyRefunded, OrderAction.RequestReturn, OrderStatus.ReturnRequested, OrderEffects.None),
        new(OrderStatus.PartiallyRefunded, OrderAction.RefundPart, OrderStatus.PartiallyRefunded, OrderEffects.RefundPayment),
        new(OrderStatus.PartiallyRefunded, OrderAction.RefundRest, OrderStatus.Refunded, OrderEffects.RefundPayment),
    ];

    private static readonly Dictionary<(OrderStatus, OrderAction), OrderTransition> ByMove =
        Table.ToDictionary(t => (t.From, t.Action));

    public static OrderTransition? Find(OrderStatus from, OrderAction action) => ByMove.GetValueOrDefault((from, action));

    public static IReadOnlyList<OrderAction> AllowedFrom(OrderStatus from) =>
        Table.Where(t => t.From == from).Select(t => t.Action).ToList();

    public static bool IsFinal(OrderStatus status) => !Table.Any(t => t.From == status);

    // What a shopper may do themselves; everything else in the table is the back office's.
    public static bool ShopperMay(OrderStatus from, OrderAction action) => action switch
    {
        OrderAction.Cancel => from is OrderStatus.PendingPayment or OrderStatus.Paid,
        OrderAction.RequestReturn => true,
        _ => false,
    } && Find(from, action) is not null;
}
