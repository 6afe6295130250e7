using Bazaar.Payments;

namespace Bazaar.Orders;

// QuantityBackordered: units still owed (not in stock yet); they ship once stock arrives and is allocated to the order.
public sealed record OrderLineView(string Sku, int ProductId, string Title, decimal UnitPrice, int Quantity, decimal LineTotal, int QuantityShipped, int QuantityReturned,
    int QuantityBackordered = 0, decimal Discount = 0m);

public sealed record OrderEventView(string? From, string To, string Action, string Actor, string Reason, DateTimeOffset At);

public sealed record OrderView(
    long Id,
    string Number,
    string Status,
    string Email,
    ShippingAddress ShipTo,
    string ShippingMethod,
    string ShippingMethodName,
    int DeliveryDaysMin,
    int DeliveryDaysMax,
    decimal Subtotal,
    decimal ShippingCost,
    decimal TaxRate,
    decimal Tax,
    decimal Total,
    string Currency,
    DateTimeOffset PlacedAt,
    DateTimeOffset PaymentDueBy,
    IReadOnlyList<OrderLineView> Lines,
    IReadOnlyList<OrderEventView> Timeline,
    PaymentView? Payment,
    IReadOnlyList<string> AllowedActions,
    decimal Discount = 0m,
    string? CouponCode = null,
    string? DiscountReason = null);

public sealed record OrderSummary(long Id, string Number, string Status, string Email, int Items, decimal Total, string Currency, DateTimeOffset PlacedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int Total, int Page, int PageSize, string Sort = "-placed")
{
    public int PageCount => PageSize == 0 ? 0 : (Total + PageSize - 1) / PageSize;
}

// The back office's order search: every filter is optional.
public sealed record OrderSearch(OrderStatus? Status = null, string? Customer = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1, int PageSize = 50,
    string Sort = "placed", bool Descending = true, decimal? MinTotal = null, decimal? MaxTotal = null, string? CustomerId = null)
{
    public static readonly Platform.ListShape Shape = new(["placed", "total", "status", "number", "email"], "placed", DefaultDescending: true,
        DefaultPageSize: 50, MaxPageSize: Orders.MaxPageSize);
}

// What ConfirmPaymentAsync found and did: the status after, whether it moved the order, and who the order is for and
// what it holds (for Checkout to commit that stock in the same transaction).
public sealed record PaymentConfirmation(OrderStatus Status, bool Moved, string ShopperKey, IReadOnlyList<(string Sku, int Quantity)> Lines);

// What Checkout hands over to place an order; the prices in it were computed on the server.
public sealed record OrderDraft(
    string ShopperKey,
    string? CustomerId,
    string Email,
    ShippingAddress ShipTo,
    string ShippingMethod,
    string ShippingMethodName,
    int DeliveryDaysMin,
    int DeliveryDaysMax,
    IReadOnlyList<OrderDraftLine> Lines,
    decimal Subtotal,
    decimal ShippingCost,
    decimal TaxRate,
    decimal Tax,
    decimal Total,
    string Currency,
    decimal Discount = 0m,
    string? CouponCode = null,
    string? DiscountReason = null);

// MayBackorder: the shopper chose to back-order the line (it was sold out), so units the shelf lacks may be owed.
public sealed record OrderDraftLine(string Sku, int ProductId, string Title, decimal UnitPrice, int Quantity, bool MayBackorder = false,
    decimal Discount = 0m);

public static class OrderNumbers
{
    public static string Format(long id) => "BZ-" + id.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
