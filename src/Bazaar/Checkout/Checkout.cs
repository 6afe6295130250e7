using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.Cart;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Checkout;

// Backordered: the line is sold out and the shopper chose to back-order it; it is charged now and ships when restocked.
// Discount: the line's part of the coupon's discount.
public sealed record CheckoutLineQuote(string Sku, int ProductId, string Title, decimal UnitPrice, int Quantity, decimal LineTotal, string Hold, bool Backordered,
    decimal Discount = 0m);

// Hash: names exactly these lines, prices and amounts (CheckoutQuoteHash). The shopper confirms a quote by sending its
// hash with the placement; a placement whose quote has changed meanwhile is refused (CheckoutQuoteChanged, 409).
// Discount: what the coupon (CouponCode) takes off the items, for the reason shown (DiscountReason); Total = Subtotal -
// Discount + ShippingCost + Tax.
public sealed record CheckoutQuote(IReadOnlyList<CheckoutLineQuote> Lines, string ShippingMethod, string ShippingMethodName, int DeliveryDaysMin, int DeliveryDaysMax,
    decimal Subtotal, decimal ShippingCost, decimal TaxRate, decimal Tax, decimal Total, string Currency, string Hash, decimal Discount = 0m,
    string? CouponCode = null, string? DiscountReason = null);


public enum CheckoutOutcome
{
    // The order is written and its payment opened at the gateway: the shopper pays on the gateway's page (PayUrl).
    // Nothing is placed yet: the cart and its holds are as they were.
    AwaitingPayment,

    // The gateway authorised the payment: the order is placed, its stock sold and its lines out of the cart.
    Paid,

    // The order was cancelled before it was paid (the shopper came back without paying, it waited too long, or its
    // items could no longer be held); nothing is charged.
    Cancelled,
}

public sealed record CheckoutResult(long OrderId, string Number, CheckoutOutcome Outcome, string? PayUrl, string? Message, bool Replayed)
{
    public int StatusCode => Outcome switch
    {
        CheckoutOutcome.Paid => 201,
        CheckoutOutcome.AwaitingPayment => 202,
        _ => 409,
    };
}

public sealed class CheckoutLinesUnavailable(IReadOnlyList<CommitShortfall> lines)
    : Exception("Some lines cannot be bought any more: " + string.Join("; ", lines.Select(Describe)) + ". Nothing was placed.")
{
    public IReadOnlyList<CommitShortfall> Lines { get; } = lines;

    public static string Describe(CommitShortfall s) => s switch
    {
        { Reason: "no-longer-backorderable", Available: 0 } => $"{s.Sku}: it is sold out and can no longer be back-ordered",
        { Reason: "no-longer-backorderable" } => $"{s.Sku}: it can no longer be back-ordered and only {s.Available} are in stock; {s.Requested} wanted",
        { Available: 0 } => $"{s.Sku}: the hold ran out and it is sold out now",
        _ => $"{s.Sku}: the hold ran out and only {s.Available} can be held again; {s.Requested} wanted",
    };
}

public sealed class IdempotencyKeyReused(string key)
    : Exception($"The Idempotency-Key '{key}' was already used for a different checkout. Use a new key for a new checkout.")
{
    public string Key { get; } = key;
}

// The checkout facade: address, shipping and tax, totals computed here (never taken from the client), and placing the
// order exactly once per Idempotency-Key, in two steps (docs/payments.md):
// 1. PlaceAsync writes the key, the order (PendingPayment) and its payment row in one transaction, then opens the
//    payment at the gateway and answers with the gateway's page. The cart and its holds are untouched: a shopper who
//    is declined, or comes back without paying, still has them.
// 2. CompletePaymentAsync, when the gateway reports the authorisation (the redirect back, or its signed webhook,
//    whichever comes first; the other finds it done), marks the payment authorised, sells the held stock to the order,
//    takes its lines out of the cart and moves the order to Paid, in ONE transaction.
// The store never sees a card.
public sealed class Checkout(
    BazaarDb db,
    Cart.Cart cart,
    Inventory.Inventory inventory,
    Orders.Orders orders,
    Payments.Payments payments,
    CheckoutFaults faults,
    CheckoutMetrics metrics,
    CheckoutThrottle throttle,
    CheckoutRateLimit rateLimit,
    ShippingAndTax rates,
    Catalog.Catalog catalog,
    Discounts.Discounts discounts,
    TimeProvider clock)
{
    public const int MaxKeyLength = 100;
    private const int MaxSavedAddresses = 10;

    // The shipping methods and the countries shipped to (those with a tax rate), as the admin set them.
    public Task<RateCard> RatesAsync(CancellationToken ct = default) => rates.CurrentAsync(ct);

    // The order summary for the shopper's cart as it is now, for the given address and method.
    public async Task<CheckoutQuote> QuoteAsync(string shopperKey, QuoteInput input, CancellationToken ct = default, string? customerId = null)
    {
        var customer = customerId is null ? null : Discounts.Discounts.CustomerOf(customerId, null);
        var errors = new Dictionary<string, string[]>();
        var card = await rates.CurrentAsync(ct);
        var address = CheckoutRules.Address(input.ShipTo, card, errors);
        var method = CheckoutRules.Method(input.ShippingMethod, card, errors);
        var view = await cart.GetAsync(shopperKey, extendHolds: false, ct);
        if (view.Lines.Count == 0) errors["cart"] = ["The cart is empty: add something before checking out."];
        if (errors.Count > 0) throw new CheckoutInvalid(errors);
        return await QuoteAsync(view, method!, address, card, input.CouponCode, customer, ct);
    }

    // `customer`: who buys, when known (Discounts.CustomerOf), for a coupon's limit per customer.
    private async Task<CheckoutQuote> QuoteAsync(CartView view, ShippingMethodView method, ShippingAddress address, RateCard card, string? couponCode,
        string? customer, CancellationToken ct)
    {
        // One store currency (ADR 0009): a line priced in another is never summed with the rest, nor converted.
        var foreign = view.Lines.Where(l => !string.Equals(l.Currency, view.Currency, StringComparison.Ordinal)).ToList();
        if (foreign.Count > 0)
            throw new CheckoutInvalid(foreign.ToDictionary(l => $"lines.{l.Sku}", l => new[]
            {
                $"{l.Title} is priced in {l.Currency}, but this store sells in {view.Currency}: it cannot be bought until it is priced in "
                + $"{view.Currency}. Remove it from the cart to check out the rest.",
            }));
        var lines = view.Lines.Select(l => new CheckoutLineQuote(l.Sku, l.ProductId, l.Title, l.UnitPrice, l.Quantity, l.UnitPrice * l.Quantity, l.Hold.ToString(),
            l.Hold == HoldState.Backordered)).ToList();
        var subtotal = lines.Sum(l => l.LineTotal);
        var discount = Discounts.Discounts.Normalise(couponCode) is { } code ? await DiscountAsync(code, lines, customer, ct) : null;
        if (discount is not null) lines = lines.Select(l => l with { Discount = discount.ByLine.GetValueOrDefault(l.Sku) }).ToList();
        var goods = subtotal - (discount?.Amount ?? 0m);
        var shipping = RateCard.Shipping(method, goods, method.WeightBands.Count == 0 ? null : await WeightOfAsync(lines, ct));
        var rate = card.TaxRate(address.Country, address.Region);
        // The one place tax is rounded (docs/money.md): on the whole order, once, after the discount.
        var tax = decimal.Round((goods + shipping) * rate, Platform.StoreCurrency.DecimalsOf(view.Currency), MidpointRounding.AwayFromZero);
        var total = goods + shipping + tax;
        return new CheckoutQuote(lines, method.Code, method.Name, method.DaysMin, method.DaysMax, subtotal, shipping, rate, tax, total, view.Currency,
            CheckoutQuoteHash.Of(lines, method.Code, subtotal, shipping, rate, tax, total, view.Currency, discount?.Code, discount?.Amount ?? 0m),
            discount?.Amount ?? 0m, discount?.Code, discount?.Reason);
    }

    private async Task<Discounts.AppliedDiscount> DiscountAsync(string code, IReadOnlyList<CheckoutLineQuote> lines, string? customer, CancellationToken ct)
    {
        var paths = await catalog.GetCategoryPathsAsync(lines.Select(l => l.ProductId).Distinct().ToList(), ct);
        return await discounts.ApplyAsync(code,
            lines.Select(l => new Discounts.DiscountLine(l.Sku, paths.GetValueOrDefault(l.ProductId) ?? [], l.LineTotal)).ToList(), customer, ct);
    }

    // The parcel's weight in grams, or null when an item's weight is not in the catalogue.
    private async Task<int?> WeightOfAsync(IReadOnlyList<CheckoutLineQuote> lines, CancellationToken ct)
    {
        var weights = await catalog.GetShippingWeightsAsync(lines.Select(l => l.ProductId).Distinct().ToList(), ct);
        var grams = 0L;
        foreach (var line in lines)
        {
            if (!weights.TryGetValue(line.ProductId, out var each)) return null;
            grams += (long)each * line.Quantity;
        }
        return (int)Math.Min(grams, int.MaxValue);
    }

    public async Task<CheckoutResult> PlaceAsync(CheckoutShopper shopper, string? idempotencyKey, CheckoutInput input, CancellationToken ct = default)
    {
        var key = CheckKey(idempotencyKey);
        await LimitAsync(() => rateLimit.TakeRequestAsync(shopper.ShopperKey, shopper.ClientAddress));
        var hash = Hash(shopper, input);
        // A slot bounds the database work of placing only. The gateway may take seconds to answer (or never, until its
        // timeout), so a slot held across it would let a few slow calls, or one key repeated in a loop, hold them all.
        Placement placement;
        using (await throttle.EnterAsync(ct)) placement = await PlaceOrderAsync(shopper, key, hash, input, ct);
        return placement.Answer ?? await StartPaymentAsync(placement, ct);
    }

    // What placing left to do: nothing (Answer), or opening the order's payment at the gateway (again, for a replay).
    // Opened: the payment just written (its amount and currency), which the gateway is asked to open without reading it back.
    private sealed record Placement(CheckoutResult? Answer, long OrderId, bool Replayed, (decimal Amount, string Currency)? Opened = null);

    private async Task<Placement> PlaceOrderAsync(CheckoutShopper shopper, string key, string hash, CheckoutInput input, CancellationToken ct)
    {
        if (await FindRequestAsync(shopper.ShopperKey, key, ct) is { } earlier) return await ResumeAsync(earlier, hash, ct);
        await LimitAsync(() => rateLimit.TakePlacementAsync(shopper.ShopperKey));

        OrderDraft draft;
        try
        {
            draft = await PrepareAsync(shopper, input, ct);
        }
        catch (Discounts.CouponRefused)
        {
            metrics.Count("coupon_refused");
            throw;
        }
        catch (CheckoutInvalid)
        {
            // A concurrent request with the same key may have placed the order (and emptied the cart) meanwhile.
            if (await FindRequestAsync(shopper.ShopperKey, key, ct) is { } placed) return await ResumeAsync(placed, hash, ct);
            throw;
        }
        long orderId;
        try
        {
            orderId = await WriteOrderAsync(shopper, key, hash, draft, input.SaveAddress, ct);
        }
        catch (Discounts.CouponRefused)
        {
            db.ChangeTracker.Clear();
            metrics.Count("coupon_refused");
            throw;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same key is being placed by another request: it waited for that one's transaction, which won.
            db.ChangeTracker.Clear();
            var winner = await FindRequestAsync(shopper.ShopperKey, key, ct) ?? throw new InvalidOperationException("A unique violation without a checkout request.", e);
            return await ResumeAsync(winner, hash, ct);
        }
        faults.At(CheckoutStep.OrderCommitted);
        return new Placement(null, orderId, Replayed: false, (draft.Total, draft.Currency));
    }

    private async Task LimitAsync(Func<Task> take)
    {
        try
        {
            await take();
        }
        catch (CheckoutRateLimited)
        {
            metrics.Count("rate_limited");
            throw;
        }
    }

    // Where the gateway sends the shopper back after its page (the store then asks the gateway what happened).
    public static string ReturnPath(long orderId) => $"/checkout/return/{orderId}";

    private async Task<OrderDraft> PrepareAsync(CheckoutShopper shopper, CheckoutInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var email = shopper.AccountEmail is { } account && string.IsNullOrWhiteSpace(input.Email) ? account : CheckoutRules.Email(input.Email, errors);
        var card = await rates.CurrentAsync(ct);
        var address = CheckoutRules.Address(input.ShipTo, card, errors);
        var method = CheckoutRules.Method(input.ShippingMethod, card, errors);
        // Checking out is cart activity: the holds are extended, so that they outlive the visit to the gateway's page.
        var view = await cart.GetAsync(shopper.ShopperKey, extendHolds: true, ct);
        if (view.Lines.Count == 0) errors["cart"] = ["The cart is empty: add something before checking out."];
        if (errors.Count > 0)
        {
            metrics.Count("invalid");
            throw new CheckoutInvalid(errors);
        }
        var quote = await QuoteAsync(view, method!, address, card, input.CouponCode, Discounts.Discounts.CustomerOf(shopper.CustomerId, email), ct);
        // What the shopper confirmed (the quote's hash, or at least its total) must be what is charged, or nothing is.
        if ((input.QuoteHash is { } confirmed && !string.Equals(confirmed.Trim(), quote.Hash, StringComparison.OrdinalIgnoreCase))
            || (input.ExpectedTotal is { } expected && expected != quote.Total))
        {
            metrics.Count("quote_changed");
            throw new CheckoutQuoteChanged(quote, input.ExpectedTotal);
        }
        await HoldAgainAsync(shopper, view, ct);
        var draft = new OrderDraft(shopper.ShopperKey, shopper.CustomerId, email, address, quote.ShippingMethod, quote.ShippingMethodName, quote.DeliveryDaysMin, quote.DeliveryDaysMax,
            quote.Lines.Select(l => new OrderDraftLine(l.Sku, l.ProductId, l.Title, l.UnitPrice, l.Quantity, l.Backordered, l.Discount)).ToList(),
            quote.Subtotal, quote.ShippingCost, quote.TaxRate, quote.Tax, quote.Total, quote.Currency, quote.Discount, quote.CouponCode, quote.DiscountReason);
        return draft;
    }

    // Lines whose hold ran out are held again now if the shelf allows, so that the order is paid for stock the shopper
    // holds; if one cannot be, nothing is placed and the holds just taken go back.
    private async Task HoldAgainAsync(CheckoutShopper shopper, CartView view, CancellationToken ct)
    {
        var shortfalls = new List<CommitShortfall>();
        var taken = new List<string>();
        foreach (var line in view.Lines.Where(l => l.Hold is HoldState.Expired or HoldState.PartlyHeld))
        {
            try
            {
                await inventory.ChangeHoldAsync(line.Sku, shopper.ShopperKey, line.Quantity, shopper.Actor, ct: ct);
                taken.Add(line.Sku);
            }
            catch (InsufficientStock e)
            {
                shortfalls.Add(new CommitShortfall(line.Sku, line.Quantity, line.HeldQuantity, e.Available + line.HeldQuantity, "hold-ran-out"));
            }
        }
        // A back-ordered line is bought without stock only while its SKU still allows back-orders.
        foreach (var line in view.Lines.Where(l => l.Hold == HoldState.Backordered))
        {
            if (await inventory.GetSkuSettingsAsync(line.Sku, ct) is { Backorderable: true }) continue;
            var available = (await inventory.GetStockAsync(line.Sku, ct))?.Available ?? 0;
            shortfalls.Add(new CommitShortfall(line.Sku, line.Quantity, 0, Math.Max(0, available), "no-longer-backorderable"));
        }
        if (shortfalls.Count == 0) return;
        foreach (var sku in taken) await inventory.ReleaseAsync(sku, shopper.ShopperKey, shopper.Actor, "checkout refused: another line is sold out", ct);
        metrics.Count("unavailable_lines");
        throw new CheckoutLinesUnavailable(shortfalls);
    }

    // One transaction: the order (waiting for its payment), then the key and the payment row in one batch, the address
    // book. No stock moves and the cart stays as it is until the payment is authorised (CompletePaymentAsync). A
    // concurrent request with the same key is turned away by the key's unique index when it writes its key (on
    // PostgreSQL it waits there for this transaction), and its whole transaction, order included, rolls back.
    private async Task<long> WriteOrderAsync(CheckoutShopper shopper, string key, string hash, OrderDraft draft, bool saveAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var orderId = await orders.CreateAsync(draft, shopper.Actor, ct);
        db.CheckoutRequests.Add(new CheckoutRequest { ShopperKey = shopper.ShopperKey, Key = key, RequestHash = hash, OrderId = orderId, CreatedAt = now });
        payments.Open(orderId, draft.Total, draft.Currency);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        // The coupon's use is taken with the order or neither is written (a coupon used up meanwhile refuses both).
        if (draft.CouponCode is { } coupon)
            await discounts.RedeemAsync(coupon, draft.Discount, orderId, Discounts.Discounts.CustomerOf(shopper.CustomerId, draft.Email), ct);
        if (saveAddress && shopper.CustomerId is { } customerId) await SaveAddressAsync(customerId, draft.ShipTo, now, ct);
        faults.At(CheckoutStep.OrderWritten);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return orderId;
    }

    // The key was seen before: the same request gets the same order, as it stands now (still waiting for its payment:
    // the same gateway page again); another request under the same key is refused.
    private async Task<Placement> ResumeAsync(CheckoutRequest earlier, string hash, CancellationToken ct)
    {
        if (!string.Equals(earlier.RequestHash, hash, StringComparison.Ordinal))
        {
            metrics.Count("key_reused");
            throw new IdempotencyKeyReused(earlier.Key);
        }
        var orderId = earlier.OrderId ?? throw new InvalidOperationException($"Checkout request {earlier.Key} has no order.");
        metrics.Count("replayed");
        return await orders.StatusOfAsync(orderId, ct) switch
        {
            OrderStatus.PendingPayment => new Placement(null, orderId, Replayed: true),
            OrderStatus.Cancelled => new Placement(new CheckoutResult(orderId, OrderNumbers.Format(orderId), CheckoutOutcome.Cancelled, null,
                "The order was cancelled before it was paid; nothing is charged.", Replayed: true), orderId, Replayed: true),
            _ => new Placement(new CheckoutResult(orderId, OrderNumbers.Format(orderId), CheckoutOutcome.Paid, null, null, Replayed: true), orderId,
                Replayed: true),
        };
    }

    private async Task<CheckoutResult> StartPaymentAsync(Placement placement, CancellationToken ct)
    {
        var orderId = placement.OrderId;
        var session = placement.Opened is var (amount, currency)
            ? await payments.StartNewAsync(orderId, amount, currency, ReturnPath(orderId), ct)
            : await payments.StartAsync(orderId, ReturnPath(orderId), ct);
        faults.At(CheckoutStep.PaymentOpened);
        if (!placement.Replayed) metrics.Count("awaiting_payment");
        return new CheckoutResult(orderId, OrderNumbers.Format(orderId), CheckoutOutcome.AwaitingPayment, session.PayUrl, null, placement.Replayed);
    }

    // The shopper is back from the gateway's page: the gateway (not the query string) says whether it was paid. Paid:
    // the order is placed. Not paid (the shopper left the page, declined or not): the order is cancelled at once, so
    // nothing lingers, and the cart with its holds is as it was. Null when the order is not this shopper's.
    public async Task<CheckoutResult?> ReturnAsync(CheckoutShopper shopper, long orderId, CancellationToken ct = default)
    {
        if (await orders.StatusForShopperAsync(orderId, shopper.ShopperKey, ct) is not { } status) return null;
        var number = OrderNumbers.Format(orderId);
        if (status != OrderStatus.PendingPayment)
            return new CheckoutResult(orderId, number, status == OrderStatus.Cancelled ? CheckoutOutcome.Cancelled : CheckoutOutcome.Paid,
                null, null, Replayed: true);
        var state = await payments.AskGatewayAsync(orderId, ct);
        if (state?.Status == GatewayPaymentStatus.Authorised)
        {
            var outcome = await CompletePaymentAsync(orderId, state.Amount, state.CardBrand, state.CardLast4, shopper.Actor, ct);
            return new CheckoutResult(orderId, number, outcome, null, outcome == CheckoutOutcome.Paid ? null : ReturnCodes.ItemsGone, Replayed: false);
        }
        try
        {
            await orders.CancelAsync(orderId, shopper.Actor, "the payment was not completed", byShopper: false, ct);
        }
        catch (InvalidOrderMove)
        {
            // Paid by the webhook meanwhile.
            if (await orders.StatusOfAsync(orderId, ct) is not OrderStatus.Cancelled)
                return new CheckoutResult(orderId, number, CheckoutOutcome.Paid, null, null, Replayed: true);
        }
        metrics.Count("not_paid");
        return new CheckoutResult(orderId, number, CheckoutOutcome.Cancelled, null,
            state?.LastDecline is null ? ReturnCodes.NotPaid : ReturnCodes.Declined, Replayed: false);
    }

    // Why a shopper is back at checkout, as a code in the address (the page words it; nothing from the address is shown).
    public static class ReturnCodes
    {
        public const string NotPaid = "not-paid";
        public const string Declined = "declined";
        public const string ItemsGone = "items-gone";
        public const string GatewayDown = "gateway-down";
    }

    // The gateway authorised the order's payment (by the redirect or the webhook; two at once are fine): in one
    // transaction the order becomes Paid, the payment Authorised (by its table), the held stock is sold to the order
    // and its lines leave the cart. Lock order as in every order move: order row, payment row, stock rows. If the
    // stock cannot be committed (the shopper emptied the cart meanwhile, or a hold ran out and sold elsewhere), the
    // order is cancelled instead and the authorisation given back.
    public async Task<CheckoutOutcome> CompletePaymentAsync(long orderId, decimal amount, string? brand, string? last4, string actor,
        CancellationToken ct = default)
    {
        CommitOutcome committed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // The move reads the order and its lines under its version check; the stock below is committed from that read.
            var order = await orders.ConfirmPaymentAsync(orderId, actor, ct);
            if (!order.Moved) return order.Status == OrderStatus.Cancelled ? CheckoutOutcome.Cancelled : CheckoutOutcome.Paid;
            if (await payments.RecordAuthorisationAsync(orderId, amount, brand, last4, ct) != AuthorisationOutcome.Authorised)
                throw new InvalidOperationException($"Order {orderId} was waiting for payment, but its payment was not.");
            faults.At(CheckoutStep.PaymentAuthorised);
            var backordered = await cart.BackorderedSkusAsync(order.ShopperKey, ct);
            committed = await inventory.CommitHoldsAsync(order.ShopperKey,
                order.Lines.Select(l => new CommitLine(l.Sku, l.Quantity, backordered.Contains(l.Sku))).ToList(), orderId, actor, ct);
            if (committed.Shortfalls.Count == 0)
            {
                if (committed.Backordered.Count > 0)
                {
                    // Its back-orders are written now, with the payment: they may claim restocked units at once (the
                    // ConfirmPayment row's ClaimBackorders, which Orders performs once they exist).
                    await orders.RecordBackorderedAsync(orderId, committed.Backordered, actor, ct);
                }
                await cart.RemoveOrderedAsync(order.ShopperKey, order.Lines.Select(l => l.Sku).ToList(), ct);
                faults.At(CheckoutStep.OrderPaid);
                await tx.CommitAsync(ct);
                db.ChangeTracker.Clear();
                metrics.Count("paid");
                return CheckoutOutcome.Paid;
            }
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
        }
        // Authorised at the gateway, but there is nothing to sell: the payment is recorded, then voided with the order.
        await payments.RecordAuthorisationAsync(orderId, amount, brand, last4, ct);
        try
        {
            await orders.CancelAsync(orderId, "system", "the items could no longer be held: " + string.Join("; ", committed.Shortfalls.Select(CheckoutLinesUnavailable.Describe)),
                byShopper: false, ct);
        }
        catch (InvalidOrderMove)
        {
            // Cancelled or paid by a concurrent call.
        }
        metrics.Count("unavailable_lines");
        return await orders.StatusOfAsync(orderId, ct) == OrderStatus.Cancelled ? CheckoutOutcome.Cancelled : CheckoutOutcome.Paid;
    }

    public async Task<IReadOnlyList<ShippingAddress>> ListAddressesAsync(string customerId, CancellationToken ct = default) =>
        (await db.SavedAddresses.AsNoTracking().Where(a => a.CustomerId == customerId).OrderByDescending(a => a.LastUsedAt).Take(MaxSavedAddresses).ToListAsync(ct))
        .Select(a => new ShippingAddress(a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone)).ToList();

    private async Task SaveAddressAsync(string customerId, ShippingAddress address, DateTimeOffset now, CancellationToken ct)
    {
        var same = await db.SavedAddresses.Where(a => a.CustomerId == customerId && a.Name == address.Name && a.Line1 == address.Line1 && a.Line2 == address.Line2
            && a.City == address.City && a.Region == address.Region && a.PostalCode == address.PostalCode && a.Country == address.Country)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.LastUsedAt, now).SetProperty(a => a.Phone, address.Phone), ct);
        if (same > 0) return;
        db.SavedAddresses.Add(new SavedAddress
        {
            CustomerId = customerId, Name = address.Name, Line1 = address.Line1, Line2 = address.Line2, City = address.City, Region = address.Region,
            PostalCode = address.PostalCode, Country = address.Country, Phone = address.Phone, LastUsedAt = now,
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private Task<CheckoutRequest?> FindRequestAsync(string shopperKey, string key, CancellationToken ct) =>
        db.CheckoutRequests.AsNoTracking().FirstOrDefaultAsync(r => r.ShopperKey == shopperKey && r.Key == key, ct);

    private static string CheckKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
            throw CheckoutInvalid.One("Idempotency-Key", "The Idempotency-Key header is required: a new random value (e.g. a UUID) for each checkout attempt, the same one when repeating it.");
        key = key.Trim();
        if (key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw CheckoutInvalid.One("Idempotency-Key", $"The Idempotency-Key is 1 to {MaxKeyLength} visible ASCII characters.");
        return key;
    }

    // The request as it means: the shopper and the body, normalised, hashed. (It holds no card: the store takes none.)
    private static string Hash(CheckoutShopper shopper, CheckoutInput input)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            shopper.ShopperKey,
            Email = input.Email?.Trim().ToLowerInvariant(),
            input.ShipTo,
            ShippingMethod = input.ShippingMethod?.Trim().ToLowerInvariant(),
            input.ExpectedTotal,
            QuoteHash = input.QuoteHash?.Trim().ToUpperInvariant(),
            input.SaveAddress,
            CouponCode = Discounts.Discounts.Normalise(input.CouponCode),
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
