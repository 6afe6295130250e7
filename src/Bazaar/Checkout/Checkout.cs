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

// Who is checking out: the cart's key, the account (if signed in) and the name the ledger and timeline record.
// ClientAddress: where the request came from (Platform.ClientAddress), for the limits per address.
public sealed record CheckoutShopper(string ShopperKey, string? CustomerId, string? AccountEmail, string Actor, string ClientAddress);

// Backordered: the line is sold out and the shopper chose to back-order it; it is charged now and ships when restocked.
public sealed record CheckoutLineQuote(string Sku, int ProductId, string Title, decimal UnitPrice, int Quantity, decimal LineTotal, string Hold, bool Backordered);

// Hash: names exactly these lines, prices and amounts (CheckoutQuoteHash). The shopper confirms a quote by sending its
// hash with the placement; a placement whose quote has changed meanwhile is refused (CheckoutQuoteChanged, 409).
public sealed record CheckoutQuote(IReadOnlyList<CheckoutLineQuote> Lines, string ShippingMethod, string ShippingMethodName, int DeliveryDaysMin, int DeliveryDaysMax,
    decimal Subtotal, decimal ShippingCost, decimal TaxRate, decimal Tax, decimal Total, string Currency, string Hash);

public sealed record ShippingMethodView(string Code, string Name, decimal Price, decimal? FreeFrom, int DaysMin, int DaysMax);

public enum CheckoutOutcome
{
    Paid,
    Declined,

    // The gateway did not answer in time: the order waits for its payment; the same request may be repeated.
    PaymentPending,

    // The order was cancelled before its payment went through (it waited too long).
    Cancelled,
}

public sealed record CheckoutResult(long OrderId, string Number, CheckoutOutcome Outcome, string? Message, bool Replayed)
{
    public int StatusCode => Outcome switch
    {
        CheckoutOutcome.Paid => 201,
        CheckoutOutcome.Declined => 402,
        CheckoutOutcome.PaymentPending => 202,
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
// order exactly once per Idempotency-Key. Placing writes the key, the order, its sold stock (the cart's holds), its
// payment row and the emptied cart in ONE transaction; the card is authorised after it commits, outside it.
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
    TimeProvider clock,
    IOptions<CheckoutOptions> options)
{
    public const int MaxKeyLength = 100;
    private const int MaxSavedAddresses = 10;

    private CheckoutOptions Options => options.Value;

    public IReadOnlyList<ShippingMethodView> ShippingMethods =>
        Options.ShippingMethods.Select(m => new ShippingMethodView(m.Code, m.Name, m.Price, m.FreeFrom, m.DaysMin, m.DaysMax)).ToList();

    public IReadOnlyList<string> Countries => CheckoutRules.Countries(Options);

    // The order summary for the shopper's cart as it is now, for the given address and method.
    public async Task<CheckoutQuote> QuoteAsync(string shopperKey, QuoteInput input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var address = CheckoutRules.Address(input.ShipTo, Options, errors);
        var method = CheckoutRules.Method(input.ShippingMethod, Options, errors);
        var view = await cart.GetAsync(shopperKey, extendHolds: false, ct);
        if (view.Lines.Count == 0) errors["cart"] = ["The cart is empty: add something before checking out."];
        if (errors.Count > 0) throw new CheckoutInvalid(errors);
        return Quote(view, method!, address);
    }

    private CheckoutQuote Quote(CartView view, ShippingMethodOption method, ShippingAddress address)
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
        var shipping = method.FreeFrom is { } free && subtotal >= free ? 0m : method.Price;
        var rate = CheckoutRules.TaxRate(Options, address.Country, address.Region);
        // The one place an amount is rounded (docs/money.md): the tax, on the whole order, once.
        var tax = decimal.Round((subtotal + shipping) * rate, Platform.StoreCurrency.DecimalsOf(view.Currency), MidpointRounding.AwayFromZero);
        var total = subtotal + shipping + tax;
        return new CheckoutQuote(lines, method.Code, method.Name, method.DaysMin, method.DaysMax, subtotal, shipping, rate, tax, total, view.Currency,
            CheckoutQuoteHash.Of(lines, method.Code, subtotal, shipping, rate, tax, total, view.Currency));
    }

    public async Task<CheckoutResult> PlaceAsync(CheckoutShopper shopper, string? idempotencyKey, CheckoutInput input, CancellationToken ct = default)
    {
        var key = CheckKey(idempotencyKey);
        Limit(() => rateLimit.TakeRequest(shopper.ShopperKey, shopper.ClientAddress));
        var hash = Hash(shopper, input);
        // A slot bounds the database work of placing only. The gateway may take seconds to answer (or never, until its
        // timeout), so a slot held across it would let a few slow cards, or one key repeated in a loop, hold them all.
        Placement placement;
        using (await throttle.EnterAsync(ct)) placement = await PlaceOrderAsync(shopper, key, hash, input, ct);
        return placement.Answer ?? await PayAsync(shopper, key, placement.OrderId, placement.Card!, placement.Replayed, ct);
    }

    // What placing left to do: nothing (Answer), or asking the gateway for the order's payment.
    private sealed record Placement(CheckoutResult? Answer, long OrderId, CardDetails? Card, bool Replayed);

    private async Task<Placement> PlaceOrderAsync(CheckoutShopper shopper, string key, string hash, CheckoutInput input, CancellationToken ct)
    {
        if (await FindRequestAsync(shopper.ShopperKey, key, ct) is { } earlier) return await ResumeAsync(shopper, earlier, hash, input, ct);
        Limit(() => rateLimit.TakePlacement(shopper.ShopperKey));

        OrderDraft draft;
        CardDetails card;
        try
        {
            (draft, card) = await PrepareAsync(shopper, input, ct);
        }
        catch (CheckoutInvalid)
        {
            // A concurrent request with the same key may have placed the order (and emptied the cart) meanwhile.
            if (await FindRequestAsync(shopper.ShopperKey, key, ct) is { } placed) return await ResumeAsync(shopper, placed, hash, input, ct);
            throw;
        }
        long orderId;
        try
        {
            orderId = await WriteOrderAsync(shopper, key, hash, draft, input.SaveAddress, ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same key is being placed by another request: it waited for that one's transaction, which won.
            db.ChangeTracker.Clear();
            var winner = await FindRequestAsync(shopper.ShopperKey, key, ct) ?? throw new InvalidOperationException("A unique violation without a checkout request.", e);
            return await ResumeAsync(shopper, winner, hash, input, ct);
        }
        faults.At(CheckoutStep.OrderCommitted);
        return new Placement(null, orderId, card, Replayed: false);
    }

    private void Limit(Action take)
    {
        try
        {
            take();
        }
        catch (CheckoutRateLimited)
        {
            metrics.Count("rate_limited");
            throw;
        }
    }

    private async Task<(OrderDraft Draft, CardDetails Card)> PrepareAsync(CheckoutShopper shopper, CheckoutInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var email = shopper.AccountEmail is { } account && string.IsNullOrWhiteSpace(input.Email) ? account : CheckoutRules.Email(input.Email, errors);
        var address = CheckoutRules.Address(input.ShipTo, Options, errors);
        var method = CheckoutRules.Method(input.ShippingMethod, Options, errors);
        var card = CheckoutRules.Card(input.Card, clock.GetUtcNow(), errors);
        var view = await cart.GetAsync(shopper.ShopperKey, extendHolds: false, ct);
        if (view.Lines.Count == 0) errors["cart"] = ["The cart is empty: add something before checking out."];
        if (errors.Count > 0)
        {
            metrics.Count("invalid");
            throw new CheckoutInvalid(errors);
        }
        var quote = Quote(view, method!, address);
        // What the shopper confirmed (the quote's hash, or at least its total) must be what is charged, or nothing is.
        if ((input.QuoteHash is { } confirmed && !string.Equals(confirmed.Trim(), quote.Hash, StringComparison.OrdinalIgnoreCase))
            || (input.ExpectedTotal is { } expected && expected != quote.Total))
        {
            metrics.Count("quote_changed");
            throw new CheckoutQuoteChanged(quote, input.ExpectedTotal);
        }
        var draft = new OrderDraft(shopper.ShopperKey, shopper.CustomerId, email, address, quote.ShippingMethod, quote.ShippingMethodName, quote.DeliveryDaysMin, quote.DeliveryDaysMax,
            quote.Lines.Select(l => new OrderDraftLine(l.Sku, l.ProductId, l.Title, l.UnitPrice, l.Quantity, l.Backordered)).ToList(),
            quote.Subtotal, quote.ShippingCost, quote.TaxRate, quote.Tax, quote.Total, quote.Currency);
        return (draft, card!);
    }

    // One transaction: the key, the order, its sold stock, its payment row, the emptied cart lines, the address book.
    private async Task<long> WriteOrderAsync(CheckoutShopper shopper, string key, string hash, OrderDraft draft, bool saveAddress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // First write of the transaction: a concurrent request with the same key waits here for this one to finish.
        db.CheckoutRequests.Add(new CheckoutRequest { ShopperKey = shopper.ShopperKey, Key = key, RequestHash = hash, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var orderId = await orders.CreateAsync(draft, shopper.Actor, ct);
        await payments.OpenAsync(orderId, draft.Total, draft.Currency, ct);
        await cart.RemoveOrderedAsync(shopper.ShopperKey, draft.Lines.Select(l => l.Sku).ToList(), ct);
        await db.CheckoutRequests.Where(r => r.ShopperKey == shopper.ShopperKey && r.Key == key)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.OrderId, orderId), ct);
        if (saveAddress && shopper.CustomerId is { } customerId) await SaveAddressAsync(customerId, draft.ShipTo, now, ct);
        // The stock last: the hot rows of a flash sale stay locked only from here to the commit.
        var committed = await inventory.CommitHoldsAsync(shopper.ShopperKey, draft.Lines.Select(l => new CommitLine(l.Sku, l.Quantity, l.MayBackorder)).ToList(), orderId, shopper.Actor, ct);
        if (committed.Shortfalls.Count > 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            metrics.Count("unavailable_lines");
            throw new CheckoutLinesUnavailable(committed.Shortfalls);
        }
        if (committed.Backordered.Count > 0) await orders.RecordBackorderedAsync(orderId, committed.Backordered, ct);
        faults.At(CheckoutStep.OrderWritten);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return orderId;
    }

    // The key was seen before: the same request gets the same order and answer (finishing its payment if a crash or a
    // timeout left it open); another request under the same key is refused.
    private async Task<Placement> ResumeAsync(CheckoutShopper shopper, CheckoutRequest earlier, string hash, CheckoutInput input, CancellationToken ct)
    {
        if (!string.Equals(earlier.RequestHash, hash, StringComparison.Ordinal))
        {
            metrics.Count("key_reused");
            throw new IdempotencyKeyReused(earlier.Key);
        }
        var orderId = earlier.OrderId ?? throw new InvalidOperationException($"Checkout request {earlier.Key} has no order.");
        if (earlier.ResponseStatus is { } status)
        {
            metrics.Count("replayed");
            var outcome = status switch { 201 => CheckoutOutcome.Paid, 402 => CheckoutOutcome.Declined, _ => CheckoutOutcome.Cancelled };
            var message = outcome == CheckoutOutcome.Declined ? (await payments.GetAsync(orderId, ct))?.Attempts.LastOrDefault(a => a.Outcome == "Declined")?.Message : null;
            return new Placement(new CheckoutResult(orderId, OrderNumbers.Format(orderId), outcome, message, Replayed: true), orderId, null, Replayed: true);
        }
        var errors = new Dictionary<string, string[]>();
        var card = CheckoutRules.Card(input.Card, clock.GetUtcNow(), errors) ?? throw new CheckoutInvalid(errors);
        return new Placement(null, orderId, card, Replayed: true);
    }

    private async Task<CheckoutResult> PayAsync(CheckoutShopper shopper, string key, long orderId, CardDetails card, bool replayed, CancellationToken ct)
    {
        var authorisation = await payments.AuthoriseAsync(orderId, card, ct);
        var outcome = authorisation.Outcome switch
        {
            AuthorisationOutcome.Authorised => CheckoutOutcome.Paid,
            AuthorisationOutcome.Declined => CheckoutOutcome.Declined,
            AuthorisationOutcome.Unavailable => CheckoutOutcome.PaymentPending,
            _ => CheckoutOutcome.Cancelled,
        };
        if (outcome == CheckoutOutcome.Paid)
        {
            faults.At(CheckoutStep.PaymentAuthorised);
            var status = await orders.ConfirmPaymentAsync(orderId, shopper.Actor, ct);
            // Authorised, but the order was cancelled first (it waited too long): the cancellation voids the payment.
            if (status == OrderStatus.Cancelled) outcome = CheckoutOutcome.Cancelled;
            faults.At(CheckoutStep.OrderPaid);
        }
        var result = new CheckoutResult(orderId, OrderNumbers.Format(orderId), outcome, authorisation.Message, replayed);
        if (outcome != CheckoutOutcome.PaymentPending)
            await db.CheckoutRequests.Where(r => r.ShopperKey == shopper.ShopperKey && r.Key == key && r.ResponseStatus == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ResponseStatus, result.StatusCode), ct);
        metrics.Count(outcome switch
        {
            CheckoutOutcome.Paid => "paid",
            CheckoutOutcome.Declined => "declined",
            CheckoutOutcome.PaymentPending => "payment_pending",
            _ => "cancelled",
        });
        return result;
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

    // The request as it means: the shopper and the body, normalised, hashed (the card number is never stored).
    private static string Hash(CheckoutShopper shopper, CheckoutInput input)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            shopper.ShopperKey,
            Email = input.Email?.Trim().ToLowerInvariant(),
            input.ShipTo,
            ShippingMethod = input.ShippingMethod?.Trim().ToLowerInvariant(),
            Card = input.Card is null ? null : input.Card with { Number = new string((input.Card.Number ?? "").Where(char.IsAsciiDigit).ToArray()) },
            input.ExpectedTotal,
            QuoteHash = input.QuoteHash?.Trim().ToUpperInvariant(),
            input.SaveAddress,
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
