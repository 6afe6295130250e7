using System.Net;
using Bazaar.Accounts;
using Bazaar.Platform;
using Bazaar.Data;
using Bazaar.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Cart;

// The cart facade. Adding to the cart holds stock through Inventory; the line records what the shopper wants.
public sealed class Cart(
    BazaarDb db,
    Inventory.Inventory inventory,
    Catalog.Catalog catalog,
    CartRateLimits rateLimits,
    TimeProvider clock,
    IOptions<CartOptions> options,
    Platform.StoreCurrency currency) : IGuestHandOver
{
    public const int MaxLineQuantity = 99;

    private CartOptions Options => options.Value;

    public async Task<Hold?> AddAsync(string shopperKey, string? sku, int quantity, string actor, IPAddress? client, CancellationToken ct = default)
    {
        var added = await TryAddAsync(shopperKey, sku, quantity, actor, client, ct);
        return added.Refusal is null ? added.Hold : throw added.Refusal;
    }

    // Adds to the cart, holding the units; a refused hold comes back as a value (see HoldAttempt). The cart line
    // is written in the hold's own transaction, so there is never a hold without its line or the other way round.
    // A back-orderable product that is sold out joins the cart without a hold. `client` is the address the request
    // came from: the per-client caps and limits count by it (CartOptions).
    public async Task<HoldAttempt> TryAddAsync(string shopperKey, string? sku, int quantity, string actor, IPAddress? client, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(sku)) throw new CartInputException("sku", "The SKU is required.");
        CheckQuantity(quantity);
        var from = CartClient.For(client, Options);
        if (await rateLimits.TakeAddAsync(shopperKey, from) is { } limited) return HoldAttempt.Refused(limited);
        var settings = await inventory.GetSkuSettingsAsync(sku, ct);
        if (settings is null) return HoldAttempt.Refused(new UnknownSku(sku));
        var productId = settings.Value.ProductId;
        if (await CheckRoomAsync(shopperKey, sku, quantity, from, ct) is { } full) return HoldAttempt.Refused(full);
        try
        {
            var attempt = await inventory.TryReserveAsync(sku, shopperKey, quantity, actor,
                (holdDb, token) => AddToLineAsync(holdDb, shopperKey, sku, productId, quantity, backordered: false, token), QuotaFor(from), ct);
            if (attempt.Refusal is InsufficientStock && settings.Value.Backorderable)
            {
                await AddToLineAsync(db, shopperKey, sku, productId, quantity, backordered: true, ct);
                return new HoldAttempt(null, null);
            }
            return attempt.Refusal is { } refusal ? HoldAttempt.Refused(Explain(refusal)) : attempt;
        }
        catch (CartLineRefused e)
        {
            db.ChangeTracker.Clear();
            return HoldAttempt.Refused(e.Refusal);
        }
    }

    // The line caps, read before anything is held so that a refusal costs no hold; AddToLineAsync enforces them again
    // in its statement, so racing adds cannot pass them either. A guest's first line starts a new guest cart, which
    // counts against the client's Cart:NewGuestsPerClientPerMinute.
    private async Task<Exception?> CheckRoomAsync(string shopperKey, string sku, int quantity, CartClient from, CancellationToken ct)
    {
        var lines = await db.CartLines.AsNoTracking().Where(l => l.ShopperKey == shopperKey).Select(l => new { l.Sku, l.Quantity }).ToListAsync(ct);
        var line = lines.FirstOrDefault(l => l.Sku == sku);
        if (line is not null) return line.Quantity + quantity > MaxLineQuantity ? LineFull(line.Quantity) : null;
        if (lines.Count >= Options.MaxLines) return CartFull();
        return lines.Count == 0 && Shopper.IsGuestKey(shopperKey) ? await rateLimits.TakeNewGuestAsync(from) : null;
    }

    private HoldQuota QuotaFor(CartClient from) => new(Options.MaxUnitsPerShopper, from.Unlimited ? null : from.Key,
        Options.MaxUnitsPerClient, Options.MaxUnitsPerClientPerSku);

    // Inventory's refusals as the cart states them: a hold cap by the setting that sets it.
    private static Exception Explain(Exception refusal) => refusal switch
    {
        CartLineRefused line => line.Refusal,
        HoldCapReached { Cap: HoldCap.ShopperUnits } c => new CartCapReached("Cart:MaxUnitsPerShopper", c.Limit,
            $"A cart may hold at most {c.Limit} units in all, and this one holds {c.Held}; {c.Sku} was not held."),
        HoldCapReached { Cap: HoldCap.ClientUnits } c => new CartCapReached("Cart:MaxUnitsPerClient", c.Limit,
            $"The carts of your network address may hold at most {c.Limit} units in all, and hold {c.Held}; {c.Sku} was not held."),
        HoldCapReached c => new CartCapReached("Cart:MaxUnitsPerClientPerSku", c.Limit,
            $"The carts of your network address may hold at most {c.Limit} of {c.Sku}, and hold {c.Held}; no more was held."),
        _ => refusal,
    };

    private static CartInputException LineFull(int inCart) => new("quantity", inCart >= MaxLineQuantity
        ? $"A cart line holds at most {MaxLineQuantity} units, and this one already has {inCart}."
        : $"A cart line holds at most {MaxLineQuantity} units; this one has {inCart}, so add at most {MaxLineQuantity - inCart} more.");

    private CartCapReached CartFull() => new("Cart:MaxLines", options.Value.MaxLines,
        $"A cart holds at most {options.Value.MaxLines} different products; remove one to add another.");

    // One statement whether the line is new or not, so a hold's transaction (or a queue batch) pays one round trip. It
    // writes nothing when the line would pass MaxLineQuantity or the cart MaxLines (counting the cart's other lines, so
    // an existing line can still grow in a full cart), and then says which.
    private async Task AddToLineAsync(BazaarDb target, string shopperKey, string sku, int productId, int quantity, bool backordered, CancellationToken ct)
    {
        var at = target.Instant(clock.GetUtcNow());
        var (maxLines, maxQuantity) = (options.Value.MaxLines, MaxLineQuantity);
        var written = await target.Database.ExecuteSqlAsync($"""
            INSERT INTO cart_lines (shopper_key, sku, product_id, quantity, backordered, added_at, updated_at)
            SELECT {shopperKey}, {sku}, {productId}, {quantity}, {backordered}, {at}, {at}
            WHERE (SELECT COUNT(*) FROM cart_lines WHERE shopper_key = {shopperKey} AND sku <> {sku}) < {maxLines}
            ON CONFLICT (shopper_key, sku) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity, updated_at = excluded.updated_at
            WHERE cart_lines.quantity + excluded.quantity <= {maxQuantity}
            """, ct);
        if (written == 1) return;
        var inCart = await target.CartLines.Where(l => l.ShopperKey == shopperKey && l.Sku == sku).Select(l => (int?)l.Quantity).FirstOrDefaultAsync(ct);
        throw new CartLineRefused(inCart is { } q ? LineFull(q) : CartFull());
    }

    public async Task ChangeQuantityAsync(string shopperKey, string sku, int quantity, string actor, IPAddress? client, CancellationToken ct = default)
    {
        CheckQuantity(quantity);
        var line = await db.CartLines.AsNoTracking().FirstOrDefaultAsync(l => l.ShopperKey == shopperKey && l.Sku == sku, ct)
            ?? throw new CartLineNotFound(sku);
        if (!line.Backordered) await ChangeHoldAsync(sku, shopperKey, quantity, actor, client, ct);
        await db.CartLines.Where(l => l.Id == line.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Quantity, quantity).SetProperty(l => l.UpdatedAt, clock.GetUtcNow()), ct);
        await inventory.ExtendHoldsAsync(shopperKey, ct);
    }

    public async Task RemoveAsync(string shopperKey, string sku, string actor, CancellationToken ct = default)
    {
        var deleted = await db.CartLines.Where(l => l.ShopperKey == shopperKey && l.Sku == sku).ExecuteDeleteAsync(ct);
        var released = await inventory.ReleaseAsync(sku, shopperKey, actor, "removed from cart", ct);
        if (deleted == 0 && released == 0) throw new CartLineNotFound(sku);
    }

    public async Task ClearAsync(string shopperKey, string actor, CancellationToken ct = default)
    {
        await db.CartLines.Where(l => l.ShopperKey == shopperKey).ExecuteDeleteAsync(ct);
        await inventory.ReleaseAllAsync(shopperKey, actor, "cart cleared", ct);
    }

    // After an order is placed its lines leave the cart, in the caller's transaction (their holds are now the order's).
    public async Task RemoveOrderedAsync(string shopperKey, IReadOnlyCollection<string> skus, CancellationToken ct = default) =>
        await db.CartLines.Where(l => l.ShopperKey == shopperKey && skus.Contains(l.Sku)).ExecuteDeleteAsync(ct);

    // The SKUs of the cart's back-ordered lines (the shopper chose to back-order them): one read of the cart's own rows.
    public async Task<IReadOnlySet<string>> BackorderedSkusAsync(string shopperKey, CancellationToken ct = default) =>
        (await db.CartLines.Where(l => l.ShopperKey == shopperKey && l.Backordered).Select(l => l.Sku).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

    // Holds the units of a line again after its hold ran out.
    public async Task<Hold> HoldAgainAsync(string shopperKey, string sku, string actor, IPAddress? client, CancellationToken ct = default)
    {
        var line = await db.CartLines.AsNoTracking().FirstOrDefaultAsync(l => l.ShopperKey == shopperKey && l.Sku == sku, ct)
            ?? throw new CartLineNotFound(sku);
        return await ChangeHoldAsync(sku, shopperKey, line.Quantity, actor, client, ct);
    }

    // A hold grown from the cart page stays within the same caps as an add.
    private async Task<Hold> ChangeHoldAsync(string sku, string shopperKey, int quantity, string actor, IPAddress? client, CancellationToken ct)
    {
        try
        {
            return await inventory.ChangeHoldAsync(sku, shopperKey, quantity, actor, QuotaFor(CartClient.For(client, Options)), ct);
        }
        catch (HoldCapReached e)
        {
            throw Explain(e);
        }
    }

    Task IGuestHandOver.HandOverAsync(string guestKey, string accountKey, string actor, CancellationToken ct) =>
        MergeAsync(guestKey, accountKey, actor, ct);

    // On sign-in: the guest's lines join the account's cart, and so do their holds, within the account's caps
    // (Cart:MaxUnitsPerShopper, a line's 99 units, Cart:MaxLines): a held line brings the units its hold brought, so
    // line and hold stay equal; a guest line that brings nothing, or finds the cart full, is dropped and its hold
    // released. Lines of the account are raised in one statement each, so concurrent sign-ins cannot lose units.
    public async Task MergeAsync(string guestKey, string accountKey, string actor, CancellationToken ct = default)
    {
        if (guestKey == accountKey) return;
        var guestLines = await db.CartLines.AsNoTracking().Where(l => l.ShopperKey == guestKey)
            .OrderBy(l => l.AddedAt).ThenBy(l => l.Id).ToListAsync(ct);
        var mine = await db.CartLines.AsNoTracking().Where(l => l.ShopperKey == accountKey)
            .ToDictionaryAsync(l => l.Sku, l => l.Id, StringComparer.Ordinal, ct);
        var room = Options.MaxLines - mine.Count;
        var overflow = guestLines.Where(g => !mine.ContainsKey(g.Sku)).Skip(Math.Max(room, 0)).ToList();
        foreach (var g in overflow) await RemoveAsync(guestKey, g.Sku, actor, ct);
        var moved = await inventory.MergeHoldsAsync(guestKey, accountKey,
            new MergeCaps(Options.MaxUnitsPerShopper, MaxLineQuantity), actor, ct);
        var at = db.Instant(clock.GetUtcNow());
        var joining = 0;
        foreach (var g in guestLines.Except(overflow))
        {
            // A line without a live hold (back-ordered, or its hold ran out) holds nothing to cap: it comes whole.
            var units = moved.TryGetValue(g.Sku, out var held) ? held : g.Quantity;
            if (mine.TryGetValue(g.Sku, out var id))
            {
                if (units > 0)
                    await db.Database.ExecuteSqlAsync($"""
                        UPDATE cart_lines SET updated_at = {at},
                            quantity = CASE WHEN quantity + {units} > {MaxLineQuantity} THEN {MaxLineQuantity} ELSE quantity + {units} END
                        WHERE id = {id}
                        """, ct);
                await db.CartLines.Where(l => l.Id == g.Id).ExecuteDeleteAsync(ct);
            }
            else if (units > 0 && joining++ < room)
                await db.CartLines.Where(l => l.Id == g.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(l => l.ShopperKey, accountKey).SetProperty(l => l.Quantity, units)
                    .SetProperty(l => l.UpdatedAt, clock.GetUtcNow()), ct);
            else
                await db.CartLines.Where(l => l.Id == g.Id).ExecuteDeleteAsync(ct);
        }
    }

    // Bounded storage (StoragePurge): guest carts whose lines have not changed since `unchangedSince` and that hold
    // nothing, a batch of carts at a time. Accounts' carts are kept (a cart holds at most Cart:MaxLines lines). Returns
    // the lines deleted.
    public async Task<int> PurgeGuestCartsAsync(DateTimeOffset unchangedSince, int batchSize, CancellationToken ct = default)
    {
        var stale = await db.CartLines.AsNoTracking().Where(l => l.ShopperKey.StartsWith("g:"))
            .GroupBy(l => l.ShopperKey).Where(g => g.Max(l => l.UpdatedAt) < unchangedSince)
            .Select(g => g.Key).Take(batchSize).ToListAsync(ct);
        if (stale.Count == 0) return 0;
        var holding = await inventory.ShoppersHoldingAsync(stale, ct);
        var abandoned = stale.Where(k => !holding.Contains(k)).ToList();
        return await db.CartLines.Where(l => abandoned.Contains(l.ShopperKey) && l.UpdatedAt < unchangedSince).ExecuteDeleteAsync(ct);
    }

    // For the header on every page: one query, and it does not count as cart activity (holds are not extended).
    public async Task<int> CountItemsAsync(string shopperKey, CancellationToken ct = default) =>
        await db.CartLines.Where(l => l.ShopperKey == shopperKey).SumAsync(l => (int?)l.Quantity, ct) ?? 0;

    public async Task<CartView> GetAsync(string shopperKey, bool extendHolds = true, CancellationToken ct = default)
    {
        if (extendHolds) await inventory.ExtendHoldsAsync(shopperKey, ct);
        var lines = await db.CartLines.AsNoTracking().Where(l => l.ShopperKey == shopperKey).OrderBy(l => l.AddedAt).ThenBy(l => l.Id).ToListAsync(ct);
        if (lines.Count == 0) return CartView.Empty;
        var ids = lines.Select(l => l.ProductId).Distinct().ToList();
        var products = (await catalog.GetProductSummariesAsync(ids, ct)).ToDictionary(p => p.Id);
        var stock = await inventory.GetStockForProductsAsync(ids, ct);
        var holds = await inventory.GetHoldsAsync(shopperKey, ct);
        var views = new List<CartLineView>(lines.Count);
        foreach (var line in lines)
        {
            if (!products.TryGetValue(line.ProductId, out var product)) continue;
            holds.TryGetValue(line.Sku, out var hold);
            var held = hold?.Status == ReservationStatus.Active ? hold.Quantity : 0;
            var state = line.Backordered && held == 0 ? HoldState.Backordered
                : held >= line.Quantity ? HoldState.Held
                : held > 0 ? HoldState.PartlyHeld
                : HoldState.Expired;
            var expiry = hold?.ExpiresAt;
            views.Add(new CartLineView(line.Id, product.Id, line.Sku, product.Title, product.Slug, product.ImageUrl, product.Price, product.Currency,
                line.Quantity, held, product.Price * line.Quantity, state, expiry, StockLabels.For(stock.GetValueOrDefault(line.ProductId))));
        }
        var next = views.Where(v => v.Hold is HoldState.Held or HoldState.PartlyHeld).Select(v => v.HoldExpiresAt).Min();
        // Amounts in one currency only: a product still priced in another (from before Store:Currency was enforced)
        // shows its own price but is not added in, and checkout refuses it (ADR 0009).
        return new CartView(views, views.Sum(v => v.Quantity), views.Where(v => currency.Is(v.Currency)).Sum(v => v.LineTotal), currency.Code, next);
    }

    // Active holds whose cart line is gone: the audit reports them as stranded.
    public async Task<IReadOnlyList<Violation>> AuditAsync(InventoryAudit audit, CancellationToken ct = default)
    {
        var holds = await audit.ListActiveHoldsAsync(ct);
        var lines = (await db.CartLines.AsNoTracking().Select(l => new { l.ShopperKey, l.Sku }).ToListAsync(ct))
            .Select(l => (l.ShopperKey, l.Sku)).ToHashSet();
        return holds.Where(h => !lines.Contains((h.ShopperKey, h.Sku)))
            .Take(100)
            .Select(h => new Violation("no reservation is stranded", $"reservation {h.Id} ({h.Sku})", "active but no cart line holds it"))
            .ToList();
    }

    private static void CheckQuantity(int quantity)
    {
        if (quantity < 1) throw new CartInputException("quantity", "The quantity must be at least 1.");
        if (quantity > MaxLineQuantity) throw new CartInputException("quantity", $"The quantity must be at most {MaxLineQuantity}.");
    }
}
