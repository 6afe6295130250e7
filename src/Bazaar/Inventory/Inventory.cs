using System.Globalization;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bazaar.Inventory;

// The inventory facade: stock levels (always read from the database), holds for carts, the ledger, and the
// admin operations. Other modules reach stock only through here.
public sealed class Inventory(
    BazaarDb db,
    IAdmissionGate gate,
    ReservationQueue queue,
    IMemoryCache cache,
    InventoryMetrics metrics,
    TimeProvider clock,
    IOptions<InventoryOptions> options)
{
    private sealed record SkuConfig(int ProductId, ReservationStrategy Strategy, int? PurchaseLimit, bool Backorderable);

    private InventoryOptions Options => options.Value;

    public async Task<StockLevel?> GetStockAsync(string sku, CancellationToken ct = default) =>
        await db.StockItems.AsNoTracking().Where(s => s.Sku == sku).Select(ToLevel(Options.DefaultStrategy)).FirstOrDefaultAsync(ct);

    // One query for a page of products; products without a stock row are simply absent. Every search and
    // listing page asks this, so it is one plain SQL command on the context's connection with the ids written
    // into it (they are integers, so nothing can be injected): through EF the query's translation and
    // materialisation cost more than the database's work, and EF 10 expands a list into one parameter per id,
    // whose binding by name grows with the square of the list.
    public async Task<IReadOnlyDictionary<int, StockLevel>> GetStockForProductsAsync(IReadOnlyCollection<int> productIds, CancellationToken ct = default)
    {
        var levels = new Dictionary<int, StockLevel>(productIds.Count);
        if (productIds.Count == 0) return levels;
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = "SELECT sku, product_id, on_hand, reserved, backorderable, low_stock_threshold, strategy, purchase_limit "
                + $"FROM stock_items WHERE product_id IN ({string.Join(',', productIds.Distinct().Select(id => id.ToString(CultureInfo.InvariantCulture)))})";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var strategy = reader.IsDBNull(6) ? Options.DefaultStrategy : Enum.Parse<ReservationStrategy>(reader.GetString(6));
                var level = new StockLevel(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetBoolean(4),
                    reader.GetInt32(5), strategy, reader.IsDBNull(7) ? null : reader.GetInt32(7));
                levels[level.ProductId] = level;
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return levels;
    }

    // The products with units to sell now (available above zero), for the search index's in-stock facet.
    public async Task<HashSet<int>> GetInStockProductIdsAsync(CancellationToken ct = default) =>
        await db.StockItems.AsNoTracking().Where(s => s.OnHand - s.Reserved > 0).Select(s => s.ProductId).ToHashSetAsync(ct);

    private static System.Linq.Expressions.Expression<Func<StockItem, StockLevel>> ToLevel(ReservationStrategy fallback) =>
        s => new StockLevel(s.Sku, s.ProductId, s.OnHand, s.Reserved, s.Backorderable, s.LowStockThreshold, s.Strategy ?? fallback, s.PurchaseLimit);

    // Puts `quantity` more units of `sku` on hold for the shopper, through the SKU's strategy.
    public async Task<Hold> ReserveAsync(string sku, string shopperKey, int quantity, string actor, CancellationToken ct = default) =>
        (await TryReserveAsync(sku, shopperKey, quantity, actor, ct)).HoldOrThrow();

    public Task<HoldAttempt> TryReserveAsync(string sku, string shopperKey, int quantity, string actor, CancellationToken ct = default) =>
        TryReserveAsync(sku, shopperKey, quantity, actor, alongside: null, quota: null, ct);

    // With `alongside`, the caller's write commits in the same transaction as the hold, or neither does; with `quota`,
    // the hold is refused (HoldCapReached) rather than pass the shopper's or the client's caps.
    public async Task<HoldAttempt> TryReserveAsync(string sku, string shopperKey, int quantity, string actor, HoldCompanion? alongside,
        HoldQuota? quota = null, CancellationToken ct = default)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "The quantity must be at least 1.");
        var config = await GetConfigAsync(sku, ct);
        if (config is null) return HoldAttempt.Refused(new UnknownSku(sku));
        var request = new HoldRequest(sku, shopperKey, quantity, actor, config.PurchaseLimit, alongside, quota);
        var attempt = config.Strategy switch
        {
            ReservationStrategy.Queue => await queue.EnqueueAsync(request, ct),
            ReservationStrategy.Gate => await ReserveThroughGateAsync(request, ct),
            _ => await HoldWriter.ReserveOneAsync(db, request, clock.GetUtcNow(), Options, ct),
        };
        if (attempt.Hold is not null) metrics.HoldsTaken.Add(quantity);
        else metrics.HoldsRefused.Add(1);
        return attempt;
    }

    private async Task<HoldAttempt> ReserveThroughGateAsync(HoldRequest request, CancellationToken ct)
    {
        var admitted = await gate.TryAdmitAsync(request.Sku, request.Quantity);
        if (admitted is null)
        {
            await gate.SeedAsync(request.Sku, await AvailableAsync(request.Sku, ct));
            admitted = await gate.TryAdmitAsync(request.Sku, request.Quantity);
        }
        if (admitted == false && await RefreshGateAsync(request.Sku, ct))
            admitted = await gate.TryAdmitAsync(request.Sku, request.Quantity);
        metrics.GateAdmissions.Add(1, new KeyValuePair<string, object?>("outcome", admitted == true ? "admitted" : "sold_out"));
        if (admitted != true) return HoldAttempt.Refused(new InsufficientStock(request.Sku, request.Quantity, 0));

        // Admitted buyers are written in batches by the SKU's queue: at most one buyer in ten reaches the database
        // in a flash sale, and those share transactions instead of queueing for the stock row one by one.
        HoldAttempt attempt;
        try
        {
            attempt = await queue.EnqueueAsync(request, ct);
        }
        catch (Exception e) when (e is not DependencyUnavailable { ChangedNothing: false })
        {
            // Nothing was written: the token goes back. When the hold may have been written it stays taken; if nothing
            // was after all, the gate's refresh from the database (RefreshGateAsync) finds the unit again.
            await gate.ReturnAsync(request.Sku, request.Quantity);
            throw;
        }
        // Sold out in the database means the gate had more tokens than there are units: dropping this one
        // corrects it. Any other refusal (the purchase limit) took no unit, so the token goes back.
        if (attempt.Refusal is not null and not InsufficientStock) await gate.ReturnAsync(request.Sku, request.Quantity);
        return attempt;
    }

    // Tokens can fall behind the database (stock received on another node, a node that died holding tokens).
    // When a gate says "sold out", look at the database at most once a second per SKU and node to repair it.
    private async Task<bool> RefreshGateAsync(string sku, CancellationToken ct)
    {
        var key = "inv:gate-refresh:" + sku;
        if (cache.TryGetValue(key, out _)) return false;
        cache.Set(key, true, TimeSpan.FromSeconds(1));
        var available = await AvailableAsync(sku, ct);
        if (available <= 0) return false;
        await gate.ForgetAsync(sku);
        await gate.SeedAsync(sku, available);
        return true;
    }

    private async Task<int> AvailableAsync(string sku, CancellationToken ct) =>
        await db.StockItems.Where(s => s.Sku == sku).Select(s => (int?)(s.OnHand - s.Reserved)).FirstOrDefaultAsync(ct) ?? throw new UnknownSku(sku);

    private async Task<SkuConfig?> GetConfigAsync(string sku, CancellationToken ct)
    {
        var key = "inv:cfg:" + sku;
        if (cache.TryGetValue(key, out SkuConfig? config)) return config;
        config = await db.StockItems.AsNoTracking().Where(s => s.Sku == sku)
            .Select(s => new SkuConfig(s.ProductId, s.Strategy ?? Options.DefaultStrategy, s.PurchaseLimit, s.Backorderable))
            .FirstOrDefaultAsync(ct);
        // Configuration, not stock: a few seconds of staleness only delays a strategy switch on other nodes.
        if (config is not null) cache.Set(key, config, TimeSpan.FromSeconds(5));
        return config;
    }

    // The product a SKU belongs to and whether it may be back-ordered: settings, served from a short cache so that
    // a flash sale's sold-out answers need no database round trip.
    public async Task<(int ProductId, bool Backorderable)?> GetSkuSettingsAsync(string sku, CancellationToken ct = default) =>
        await GetConfigAsync(sku, ct) is { } config ? (config.ProductId, config.Backorderable) : null;

    // Sets the shopper's hold on the SKU to exactly `quantity`, growing (within `quota`) or shrinking it atomically.
    public async Task<Hold> ChangeHoldAsync(string sku, string shopperKey, int quantity, string actor, HoldQuota? quota = null, CancellationToken ct = default)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "The quantity must be at least 1.");
        var current = await ActiveHoldAsync(sku, shopperKey, ct);
        if (current is null) return (await TryReserveAsync(sku, shopperKey, quantity, actor, null, quota, ct)).HoldOrThrow();
        if (quantity > current.Quantity) return (await TryReserveAsync(sku, shopperKey, quantity - current.Quantity, actor, null, quota, ct)).HoldOrThrow();
        if (quantity == current.Quantity) return new Hold(current.ReservationId, sku, current.Quantity, current.ExpiresAt);

        var less = current.Quantity - quantity;
        var tokens = less;
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var shrunk = await db.Reservations
                .Where(r => r.Id == current.ReservationId && r.Status == ReservationStatus.Active && r.Quantity > less)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Quantity, r => r.Quantity - less), ct);
            if (shrunk == 0) throw new NoActiveHold(sku, shopperKey);
            await db.StockItems.Where(s => s.Sku == sku)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Reserved, s => s.Reserved - less).SetProperty(s => s.UpdatedAt, now), ct);
            db.StockMovements.Add(new StockMovement
            {
                Sku = sku, Kind = MovementKind.Released, ReservedDelta = -less, ReservationId = current.ReservationId,
                Actor = actor, Reason = "cart quantity lowered", At = now,
            });
            await db.SaveChangesAsync(ct);
            tokens -= await BackorderAllocation.AllocateAsync(db, sku, actor, "cart quantity lowered", now, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        await ReturnTokensAsync(sku, tokens, ct);
        metrics.HoldsReleased.Add(less);
        return new Hold(current.ReservationId, sku, quantity, current.ExpiresAt);
    }

    // Gives back the shopper's hold on the SKU, if there is one. Returns the units released.
    public async Task<int> ReleaseAsync(string sku, string shopperKey, string actor, string reason, CancellationToken ct = default)
    {
        var current = await ActiveHoldAsync(sku, shopperKey, ct);
        if (current is null) return 0;
        var ended = await EndAsync([current.ReservationId], ReservationMove.Release, actor, reason, ct);
        metrics.HoldsReleased.Add(ended.Sum(e => e.Quantity));
        return ended.Sum(e => e.Quantity);
    }

    public async Task<int> ReleaseAllAsync(string shopperKey, string actor, string reason, CancellationToken ct = default)
    {
        var ids = await db.Reservations.Where(r => r.ShopperKey == shopperKey && r.Status == ReservationStatus.Active).Select(r => r.Id).ToListAsync(ct);
        var ended = await EndAsync(ids, ReservationMove.Release, actor, reason, ct);
        metrics.HoldsReleased.Add(ended.Sum(e => e.Quantity));
        return ended.Sum(e => e.Quantity);
    }

    private async Task<IReadOnlyList<EndedHold>> EndAsync(IReadOnlyList<long> ids, ReservationMove move, string actor, string reason, CancellationToken ct)
    {
        IReadOnlyList<EndedHold> ended;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            ended = await HoldEnding.EndAsync(db, ids, move, actor, reason, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
        }
        foreach (var e in ended) await ReturnTokensAsync(e.Sku, e.Quantity, ct);
        return ended;
    }

    internal async Task ReturnTokensAsync(string sku, int quantity, CancellationToken ct)
    {
        if ((await GetConfigAsync(sku, ct))?.Strategy == ReservationStrategy.Gate) await gate.ReturnAsync(sku, quantity);
    }

    private async Task<HoldView?> ActiveHoldAsync(string sku, string shopperKey, CancellationToken ct) =>
        await db.Reservations.AsNoTracking()
            .Where(r => r.ShopperKey == shopperKey && r.Sku == sku && r.Status == ReservationStatus.Active)
            .Select(r => new HoldView(r.Id, r.Sku, r.Quantity, r.Status, r.CreatedAt, r.ExpiresAt, r.EndedAt))
            .FirstOrDefaultAsync(ct);

    // The latest hold per SKU for the shopper: live ones, and for lines whose hold ended, how it ended.
    public async Task<IReadOnlyDictionary<string, HoldView>> GetHoldsAsync(string shopperKey, CancellationToken ct = default)
    {
        var holds = await db.Reservations.AsNoTracking()
            .Where(r => r.ShopperKey == shopperKey && (r.Status == ReservationStatus.Active || r.Status == ReservationStatus.Expired))
            .Select(r => new HoldView(r.Id, r.Sku, r.Quantity, r.Status, r.CreatedAt, r.ExpiresAt, r.EndedAt))
            .ToListAsync(ct);
        return holds.GroupBy(h => h.Sku, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(h => h.Status == ReservationStatus.Active).ThenByDescending(h => h.ReservationId).First(), StringComparer.Ordinal);
    }

    // Activity on the cart extends every live hold by the TTL, up to the cap after it was first taken: one statement
    // however many lines the cart has (a cart read does this, so it must not cost a statement per line).
    public async Task ExtendHoldsAsync(string shopperKey, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var extended = now + Options.ReservationTtl;
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"""
                UPDATE reservations SET expires_at = LEAST({extended}, created_at + {Options.MaxHold})
                WHERE shopper_key = {shopperKey} AND status = 'Active' AND expires_at > {now}
                """, ct);
        else
            // SQLite keeps instants as UTC ticks (SqliteBazaarDb), so the cap is plain arithmetic on the column.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE reservations SET expires_at = MIN({extended.UtcTicks}, created_at + {Options.MaxHold.Ticks})
                WHERE shopper_key = {shopperKey} AND status = 'Active' AND expires_at > {now.UtcTicks}
                """, ct);
    }

    // On sign-in the guest's holds move to the account; where both hold the same SKU, the quantities combine into the
    // account's hold. What would take the account past its caps (the units it may hold in all and of one SKU, and the
    // purchase limit) goes back on sale, the guest's oldest holds moving first: otherwise a shopper who fills several
    // guest carts and signs in with each holds the caps many times over. The account's quota is read under its
    // advisory lock (HoldQuotas), so merges and adds for one account take turns. Returns the units moved per SKU.
    public async Task<IReadOnlyDictionary<string, int>> MergeHoldsAsync(string fromShopperKey, string toShopperKey,
        MergeCaps caps, string actor, CancellationToken ct = default)
    {
        var moves = new Dictionary<string, int>(StringComparer.Ordinal);
        if (fromShopperKey == toShopperKey) return moves;
        var now = clock.GetUtcNow();
        var returned = new List<(string Sku, int Quantity)>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var quota = new HoldQuota(caps.ShopperUnits, null, 0, 0);
            var quotas = await HoldQuotas.ReadAsync(db, [new HoldRequest("", toShopperKey, 0, actor, null, Quota: quota)], ct);
            var room = caps.ShopperUnits - quotas!.ShopperUnits(toShopperKey);
            var guest = await db.Reservations.Where(r => r.ShopperKey == fromShopperKey && r.Status == ReservationStatus.Active)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
            var skus = guest.Select(g => g.Sku).ToList();
            var account = await db.Reservations
                .Where(r => r.ShopperKey == toShopperKey && r.Status == ReservationStatus.Active && skus.Contains(r.Sku))
                .ToDictionaryAsync(r => r.Sku, ct);
            var limits = await db.StockItems.Where(s => skus.Contains(s.Sku))
                .ToDictionaryAsync(s => s.Sku, s => s.PurchaseLimit, ct);
            const string reason = "guest cart merged into account";
            foreach (var g in guest)
            {
                var mine = account.GetValueOrDefault(g.Sku);
                var perSku = Math.Min(limits.GetValueOrDefault(g.Sku) ?? int.MaxValue, caps.UnitsPerSku);
                var moved = Math.Clamp(Math.Min(perSku - (mine?.Quantity ?? 0), room), 0, g.Quantity);
                var excess = g.Quantity - moved;
                room -= moved;
                moves[g.Sku] = moves.GetValueOrDefault(g.Sku) + moved;
                if (mine is null && moved > 0)
                {
                    g.ShopperKey = toShopperKey;
                    g.Quantity = moved;
                    if (excess > 0)
                        db.StockMovements.Add(new StockMovement { Sku = g.Sku, Kind = MovementKind.Released, ReservedDelta = -excess,
                            ReservationId = g.Id, Actor = actor, Reason = reason + ", beyond the account's caps", At = now });
                }
                else
                {
                    g.Apply(ReservationMove.Release, now);
                    db.StockMovements.Add(new StockMovement { Sku = g.Sku, Kind = MovementKind.Released, ReservedDelta = -g.Quantity,
                        ReservationId = g.Id, Actor = actor, Reason = reason, At = now });
                    if (mine is not null && moved > 0)
                    {
                        mine.Quantity += moved;
                        mine.ExpiresAt = HoldWriter.ExpiryFor(mine.CreatedAt, now, Options);
                        db.StockMovements.Add(new StockMovement { Sku = g.Sku, Kind = MovementKind.Reserved, ReservedDelta = moved,
                            ReservationId = mine.Id, Actor = actor, Reason = reason, At = now });
                    }
                }
                if (excess > 0)
                {
                    await db.StockItems.Where(s => s.Sku == g.Sku)
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.Reserved, s => s.Reserved - excess), ct);
                    returned.Add((g.Sku, excess));
                }
            }
            await db.SaveChangesAsync(ct);
            foreach (var sku in returned.Select(r => r.Sku).Distinct().Order(StringComparer.Ordinal))
                await BackorderAllocation.AllocateAsync(db, sku, actor, reason, now, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        foreach (var (sku, quantity) in returned) await ReturnTokensAsync(sku, quantity, ct);
        return moves;
    }

    // Turns the shopper's holds on these lines into sold stock for an order, in the caller's transaction (the one that
    // creates the order): stock is never committed without its order, nor an order placed without its stock. A line
    // whose hold ran out (or holds fewer units) is held again if the shelf allows; what the shelf cannot give is
    // back-ordered when the line may be (the shopper chose to back-order it and the SKU still allows it), otherwise it
    // comes back as a shortfall and the caller rolls everything back. Lock order: the shopper's reservations first (the
    // sweeper skips locked ones), then stock rows in SKU order, then back-orders, so that checkouts, receipts and
    // sweepers cannot deadlock.
    public async Task<CommitOutcome> CommitHoldsAsync(string shopperKey, IReadOnlyList<CommitLine> lines, long orderId, string actor, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Committing holds needs the caller's transaction, the one that creates the order.");
        var now = clock.GetUtcNow();
        var skus = lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        var holds = (db.Database.IsNpgsql()
                ? await db.Reservations.FromSql($"SELECT * FROM reservations WHERE shopper_key = {shopperKey} AND status = 'Active' ORDER BY sku FOR UPDATE").ToListAsync(ct)
                : await db.Reservations.Where(r => r.ShopperKey == shopperKey && r.Status == ReservationStatus.Active).ToListAsync(ct))
            .Where(r => skus.Contains(r.Sku)).ToDictionary(r => r.Sku, StringComparer.Ordinal);
        var shortfalls = new List<CommitShortfall>();
        var sold = new List<Reservation>();
        var owed = new List<Backorder>();
        var tokensBack = new List<(string Sku, int Quantity)>();
        foreach (var (sku, quantity, mayBackorder) in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            var hold = holds.GetValueOrDefault(sku);
            var held = hold?.Quantity ?? 0;
            var request = new HoldRequest(sku, shopperKey, quantity, actor, null);
            if (held < quantity)
            {
                var extra = quantity - held;
                if (!await TakeAvailableAsync(sku, extra, now, ct))
                {
                    // Only a back-order locks the row to read it: a flash sale's refusals must not queue on its hot row.
                    var stock = mayBackorder
                        ? await BackorderAllocation.LockStockAsync(db, sku, ct)
                        : await db.StockItems.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == sku, ct);
                    var available = Math.Max(stock is null ? 0 : stock.OnHand - stock.Reserved, 0);
                    if (!mayBackorder || stock is not { Backorderable: true })
                    {
                        shortfalls.Add(new CommitShortfall(sku, quantity, held, available,
                            mayBackorder ? "no-longer-backorderable" : hold is null ? "hold-ran-out" : "hold-too-small"));
                        continue;
                    }
                    // What the shelf has is sold now, the rest is owed; the row is locked, so the take cannot fail.
                    var fromShelf = Math.Min(available, extra);
                    if (extra > fromShelf)
                        owed.Add(new Backorder { OrderId = orderId, Sku = sku, ShopperKey = shopperKey, Quantity = extra - fromShelf, Status = BackorderStatus.Open, CreatedAt = now });
                    extra = fromShelf;
                    if (extra > 0 && !await TakeAvailableAsync(sku, extra, now, ct))
                        throw new InvalidOperationException($"{sku}: {extra} available under the row lock could not be taken.");
                }
                if (extra > 0)
                {
                    // Taken past the gate's tokens; a token fewer keeps the gate's copy close (it is repaired if not).
                    if ((await GetConfigAsync(sku, ct))?.Strategy == ReservationStrategy.Gate) await gate.TryAdmitAsync(sku, extra);
                    if (hold is null)
                    {
                        hold = Reservation.Begin(ReservationMove.Hold, sku, shopperKey, extra, now, now);
                        db.Reservations.Add(hold);
                    }
                    else hold.Quantity = held + extra;
                    db.StockMovements.Add(HoldWriter.Movement(request, MovementKind.Reserved, 0, extra, hold, $"held again for order {orderId}", now));
                }
            }
            else if (held > quantity)
            {
                var excess = held - quantity;
                hold!.Quantity = quantity;
                await db.StockItems.Where(s => s.Sku == sku)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Reserved, s => s.Reserved - excess).SetProperty(s => s.UpdatedAt, now), ct);
                db.StockMovements.Add(HoldWriter.Movement(request, MovementKind.Released, 0, -excess, hold, "more held than ordered", now));
                tokensBack.Add((sku, excess));
            }
            if (hold is not null) sold.Add(hold);
        }
        if (shortfalls.Count > 0)
        {
            db.ChangeTracker.Clear();
            return new CommitOutcome(shortfalls, new Dictionary<string, int>());
        }
        db.Backorders.AddRange(owed);
        // As HoldEnding does for every other ending, but with the stock rows last: in a flash sale every checkout
        // sells from the same row, so its lock is held only for these UPDATEs and the caller's commit.
        foreach (var r in sold)
        {
            r.Apply(ReservationMove.Commit, now);
            r.OrderId = orderId;
            db.StockMovements.Add(new StockMovement
            {
                Sku = r.Sku, Kind = MovementKind.Committed, OnHandDelta = -r.Quantity, ReservedDelta = -r.Quantity, Reservation = r,
                Actor = actor, Reason = $"order {orderId} placed", At = now,
            });
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        foreach (var group in sold.GroupBy(r => r.Sku, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var quantity = group.Sum(r => r.Quantity);
            await db.StockItems.Where(s => s.Sku == group.Key)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Reserved, s => s.Reserved - quantity).SetProperty(s => s.OnHand, s => s.OnHand - quantity).SetProperty(s => s.UpdatedAt, now), ct);
        }
        // Units held beyond the order go to waiting back-orders first, like any units given back.
        foreach (var (sku, _) in tokensBack) await BackorderAllocation.AllocateAsync(db, sku, actor, $"more held than order {orderId} needed", now, ct);
        foreach (var (sku, quantity) in tokensBack) await ReturnTokensAsync(sku, quantity, ct);
        return new CommitOutcome([], owed.ToDictionary(b => b.Sku, b => b.Quantity, StringComparer.Ordinal));
    }

    // One conditional UPDATE: holds `quantity` more units of the SKU if the shelf has them.
    private async Task<bool> TakeAvailableAsync(string sku, int quantity, DateTimeOffset now, CancellationToken ct) =>
        await StockItem.ReserveWhereAvailableAsync(db.StockItems, sku, quantity, now, ct);

    // Sold units come back to the shelf (an order cancelled before shipment, or a return received), in the caller's
    // transaction, as Returned entries in the ledger.
    public async Task ReturnToStockAsync(long orderId, IReadOnlyList<(string Sku, int Quantity)> lines, string actor, string reason, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Returning stock needs the caller's transaction, the one that moves the order.");
        var now = clock.GetUtcNow();
        var back = lines.Where(l => l.Quantity > 0).GroupBy(l => l.Sku, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Sku: g.Key, Quantity: g.Sum(l => l.Quantity))).ToList();
        foreach (var (sku, quantity) in back)
        {
            var updated = await db.StockItems.Where(s => s.Sku == sku)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.OnHand, s => s.OnHand + quantity).SetProperty(s => s.UpdatedAt, now), ct);
            if (updated == 0) throw new UnknownSku(sku);
            db.StockMovements.Add(new StockMovement { Sku = sku, Kind = MovementKind.Returned, OnHandDelta = quantity, Actor = actor, Reason = $"order {orderId}: {reason}", At = now });
        }
        await db.SaveChangesAsync(ct);
        foreach (var (sku, quantity) in back)
            await ReturnTokensAsync(sku, quantity - await BackorderAllocation.AllocateAsync(db, sku, actor, $"order {orderId}: {reason}", now, ct), ct);
    }

    // An order is cancelled: what it is still owed is owed no more. In the caller's transaction (the one that cancels
    // the order), before its stock is returned. Returns the units that were still owed, by SKU: they were never
    // committed, so nothing of them goes back on the shelf.
    // `skus` are all the order's SKUs: their stock rows are locked in SKU order here, before the returned stock
    // touches any of them, so that a cancellation keeps the lock order of checkouts and receipts.
    public async Task<IReadOnlyDictionary<string, int>> CancelBackordersAsync(long orderId, IReadOnlyCollection<string> skus, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Cancelling back-orders needs the caller's transaction, the one that cancels the order.");
        if (!await db.Backorders.AnyAsync(b => b.OrderId == orderId && b.Status == BackorderStatus.Open, ct)) return new Dictionary<string, int>();
        foreach (var sku in skus.Distinct().Order(StringComparer.Ordinal)) await BackorderAllocation.LockStockAsync(db, sku, ct);
        // Read again under the stock rows' locks: a receipt may have allocated some units meanwhile.
        var open = await db.Backorders.AsNoTracking().Where(b => b.OrderId == orderId && b.Status == BackorderStatus.Open)
            .Select(b => new { b.Id, b.Sku, Outstanding = b.Quantity - b.Allocated }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var ids = open.Select(b => b.Id).ToList();
        await db.Backorders.Where(b => ids.Contains(b.Id) && b.Status == BackorderStatus.Open)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.Status, BackorderStatus.Cancelled).SetProperty(b => b.EndedAt, now), ct);
        return open.ToDictionary(b => b.Sku, b => b.Outstanding, StringComparer.Ordinal);
    }

    // The order's payment went through: its open back-orders start claiming units, beginning with what is on the shelf
    // now (units that arrived while it was unpaid stayed on sale). In the caller's transaction (the one that moves the
    // order to Paid); stock rows are locked in SKU order first, the lock rule of every back-order write.
    public async Task ClaimBackordersAsync(long orderId, IReadOnlyCollection<string> skus, string actor, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Claiming back-orders needs the caller's transaction, the one that confirms the payment.");
        if (!await db.Backorders.AnyAsync(b => b.OrderId == orderId && b.Status == BackorderStatus.Open && b.PaidAt == null, ct)) return;
        var now = clock.GetUtcNow();
        var ordered = skus.Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var sku in ordered) await BackorderAllocation.LockStockAsync(db, sku, ct);
        await db.Backorders.Where(b => b.OrderId == orderId && b.Status == BackorderStatus.Open && b.PaidAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.PaidAt, now), ct);
        foreach (var sku in ordered)
        {
            var allocated = await BackorderAllocation.AllocateAsync(db, sku, actor, $"order {orderId} paid", now, ct);
            // The units left the shelf: the gate's copy of them goes too (it is repaired if this falls behind).
            if (allocated > 0 && (await GetConfigAsync(sku, ct))?.Strategy == ReservationStrategy.Gate) await gate.TryAdmitAsync(sku, allocated);
        }
    }

    // An order's back-orders, open or ended, by SKU.
    public async Task<IReadOnlyDictionary<string, BackorderView>> GetBackordersAsync(long orderId, CancellationToken ct = default) =>
        await db.Backorders.AsNoTracking().Where(b => b.OrderId == orderId).Select(ToView).ToDictionaryAsync(b => b.Sku, StringComparer.Ordinal, ct);

    // Every back-order: the order audit compares them with the order lines.
    public async Task<IReadOnlyList<BackorderView>> ListBackordersAsync(CancellationToken ct = default) =>
        await db.Backorders.AsNoTracking().Select(ToView).ToListAsync(ct);

    // Units owed to orders for one SKU, for the back office.
    public async Task<int> OutstandingBackordersAsync(string sku, CancellationToken ct = default) =>
        await db.Backorders.Where(b => b.Sku == sku && b.Status == BackorderStatus.Open).SumAsync(b => (int?)(b.Quantity - b.Allocated), ct) ?? 0;

    private static readonly System.Linq.Expressions.Expression<Func<Backorder, BackorderView>> ToView =
        b => new BackorderView(b.OrderId, b.Sku, b.Quantity, b.Allocated, b.Status, b.CreatedAt, b.EndedAt);

    // Units sold per order, from the committed reservations: the order audit compares them with the order lines.
    public async Task<IReadOnlyList<(long OrderId, string Sku, int Quantity)>> ListCommittedAsync(CancellationToken ct = default) =>
        (await db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Committed && r.OrderId != null)
            .GroupBy(r => new { r.OrderId, r.Sku }).Select(g => new { g.Key.OrderId, g.Key.Sku, Quantity = g.Sum(r => r.Quantity) }).ToListAsync(ct))
        .Select(x => (x.OrderId!.Value, x.Sku, x.Quantity)).ToList();

    // The sweeper's step: ends one batch of expired holds. Safe on many nodes at once.
    public async Task<IReadOnlyList<EndedHold>> ExpireDueAsync(int batchSize, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<EndedHold> ended;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // PostgreSQL: claim rows no other sweeper holds. SQLite: this transaction already has the writer lock.
            var due = db.Database.IsNpgsql()
                ? await db.Reservations.FromSql($"SELECT * FROM reservations WHERE status = 'Active' AND expires_at <= {now} ORDER BY expires_at LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
                    .AsNoTracking().Select(r => r.Id).ToListAsync(ct)
                : await db.Reservations.Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt <= now)
                    .OrderBy(r => r.ExpiresAt).Take(batchSize).Select(r => r.Id).ToListAsync(ct);
            ended = await HoldEnding.EndAsync(db, due, ReservationMove.Expire, "sweeper", "hold expired", now, ct);
            await tx.CommitAsync(ct);
        }
        foreach (var e in ended)
        {
            await ReturnTokensAsync(e.Sku, e.Quantity, ct);
            metrics.HoldsExpired.Add(e.Quantity);
            metrics.ReleaseLag.Record((now - e.ExpiresAt).TotalSeconds);
        }
        return ended;
    }

    // Bounded storage (StoragePurge): released and expired holds that ended before `endedBefore`, a batch at a time.
    // Their ledger entries stay (the ledger is the stock's history) but no longer point at them. Sold holds are kept:
    // they are the units of orders, which the audits count.
    public async Task<int> PurgeEndedHoldsAsync(DateTimeOffset endedBefore, int batchSize, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.Reservations.AsNoTracking()
            .Where(r => (r.Status == ReservationStatus.Released || r.Status == ReservationStatus.Expired) && r.EndedAt < endedBefore)
            .OrderBy(r => r.Id).Take(batchSize).Select(r => r.Id).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await db.StockMovements.Where(m => m.ReservationId != null && ids.Contains(m.ReservationId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ReservationId, (long?)null), ct);
        var deleted = await db.Reservations.Where(r => ids.Contains(r.Id) && r.Status != ReservationStatus.Active).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    // Which of these shoppers hold stock now (a cart that holds something is not abandoned).
    public async Task<IReadOnlySet<string>> ShoppersHoldingAsync(IReadOnlyCollection<string> shopperKeys, CancellationToken ct = default) =>
        await db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Active && shopperKeys.Contains(r.ShopperKey))
            .Select(r => r.ShopperKey).Distinct().ToHashSetAsync(StringComparer.Ordinal, ct);

    public async Task<StockLevel> ReceiveAsync(string sku, int quantity, string actor, string reason, CancellationToken ct = default)
    {
        if (quantity <= 0) throw new ArgumentOutOfRangeException(nameof(quantity), "The quantity received must be at least 1.");
        var now = clock.GetUtcNow();
        var allocated = 0;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var updated = await db.StockItems.Where(s => s.Sku == sku)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.OnHand, s => s.OnHand + quantity).SetProperty(s => s.UpdatedAt, now), ct);
            if (updated == 0) throw new UnknownSku(sku);
            db.StockMovements.Add(new StockMovement { Sku = sku, Kind = MovementKind.Received, OnHandDelta = quantity, Actor = actor, Reason = reason, At = now });
            await db.SaveChangesAsync(ct);
            // Back-orders first, oldest first, in the receipt's transaction: shoppers can hold only what is left.
            allocated = await BackorderAllocation.AllocateAsync(db, sku, actor, reason, now, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        await ReturnTokensAsync(sku, quantity - allocated, ct);
        return (await GetStockAsync(sku, ct))!;
    }

    // A stock count: sets on-hand to what is on the shelf. It cannot go below what carts hold.
    public async Task<StockLevel> AdjustAsync(string sku, int onHand, string actor, string reason, CancellationToken ct = default)
    {
        if (onHand < 0) throw new ArgumentOutOfRangeException(nameof(onHand), "On-hand stock cannot be negative.");
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var stock = await db.StockItems.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == sku, ct) ?? throw new UnknownSku(sku);
            var updated = await db.StockItems.Where(s => s.Sku == sku && s.OnHand == stock.OnHand && s.Reserved <= onHand)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.OnHand, onHand).SetProperty(s => s.UpdatedAt, now), ct);
            if (updated == 0)
            {
                var fresh = await db.StockItems.AsNoTracking().FirstAsync(s => s.Sku == sku, ct);
                throw new InsufficientStock(sku, fresh.Reserved - onHand, fresh.OnHand - fresh.Reserved);
            }
            db.StockMovements.Add(new StockMovement { Sku = sku, Kind = MovementKind.Adjusted, OnHandDelta = onHand - stock.OnHand, Actor = actor, Reason = reason, At = now });
            await db.SaveChangesAsync(ct);
            if (onHand > stock.OnHand) await BackorderAllocation.AllocateAsync(db, sku, actor, reason, now, ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        await gate.ForgetAsync(sku);
        return (await GetStockAsync(sku, ct))!;
    }

    public async Task<StockLevel> ConfigureAsync(string sku, bool backorderable, int lowStockThreshold, ReservationStrategy? strategy, int? purchaseLimit, CancellationToken ct = default)
    {
        if (lowStockThreshold < 0) throw new ArgumentOutOfRangeException(nameof(lowStockThreshold), "The low-stock threshold cannot be negative.");
        if (purchaseLimit is <= 0) throw new ArgumentOutOfRangeException(nameof(purchaseLimit), "The purchase limit must be at least 1 (or empty for none).");
        var updated = await db.StockItems.Where(s => s.Sku == sku).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Backorderable, backorderable)
            .SetProperty(s => s.LowStockThreshold, lowStockThreshold)
            .SetProperty(s => s.Strategy, strategy)
            .SetProperty(s => s.PurchaseLimit, purchaseLimit)
            .SetProperty(s => s.UpdatedAt, clock.GetUtcNow()), ct);
        if (updated == 0) throw new UnknownSku(sku);
        cache.Remove("inv:cfg:" + sku);
        await gate.ForgetAsync(sku);
        return (await GetStockAsync(sku, ct))!;
    }

    // Starts keeping stock for a product (with nothing on hand); a no-op if it is already kept.
    public async Task TrackAsync(string sku, int productId, CancellationToken ct = default)
    {
        if (await db.StockItems.AnyAsync(s => s.Sku == sku, ct)) return;
        db.StockItems.Add(new StockItem { Sku = sku, ProductId = productId, UpdatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    public async Task<IReadOnlyList<StockLevel>> ListLowStockAsync(int take = 200, CancellationToken ct = default)
    {
        var low = await db.StockItems.AsNoTracking()
            .Where(s => s.OnHand - s.Reserved <= s.LowStockThreshold)
            .OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku)
            .Take(take).Select(ToLevel(Options.DefaultStrategy)).ToListAsync(ct);
        return low;
    }

    public Task<int> CountLowStockAsync(CancellationToken ct = default) =>
        db.StockItems.CountAsync(s => s.OnHand - s.Reserved <= s.LowStockThreshold, ct);

    public async Task<IReadOnlyList<MovementView>> GetLedgerAsync(string sku, int take = 100, CancellationToken ct = default) =>
        await db.StockMovements.AsNoTracking().Where(m => m.Sku == sku).OrderByDescending(m => m.Id).Take(take)
            .Select(m => new MovementView(m.Id, m.Sku, m.Kind.ToString(), m.OnHandDelta, m.ReservedDelta, m.ReservationId, m.Actor, m.Reason, m.At))
            .ToListAsync(ct);

    // Gives every product without stock a plausible demo quantity, the same on every machine: most are in stock,
    // some low, some sold out and a few of those back-orderable, so the storefront shows every stock state.
    public async Task<int> SeedDemoStockAsync(IReadOnlyList<(string Sku, int ProductId)> products, CancellationToken ct = default)
    {
        var tracked = (await db.StockItems.AsNoTracking().Select(s => s.Sku).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var seeded = 0;
        foreach (var chunk in products.Where(p => !tracked.Contains(p.Sku)).Chunk(2000))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var (sku, productId) in chunk)
            {
                var roll = StableRoll(sku);
                var onHand = roll switch { < 6 => 0, < 20 => 1 + roll % 5, _ => 6 + roll * 7 % 115 };
                db.StockItems.Add(new StockItem { Sku = sku, ProductId = productId, OnHand = onHand, Backorderable = roll < 2, UpdatedAt = now });
                if (onHand > 0)
                    db.StockMovements.Add(new StockMovement { Sku = sku, Kind = MovementKind.Received, OnHandDelta = onHand, Actor = "system", Reason = "demo stock", At = now });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            seeded += chunk.Length;
        }
        return seeded;
    }

    private static int StableRoll(string sku)
    {
        var hash = 2166136261u;
        foreach (var c in sku) hash = (hash ^ c) * 16777619u;
        return (int)(hash % 100);
    }
}

// An order line to commit; MayBackorder: the shopper chose to back-order it, so what the shelf lacks may be owed.
public sealed record CommitLine(string Sku, int Quantity, bool MayBackorder);

// Committed, or why not (Shortfalls, and then nothing is); Backordered: units owed to the order, by SKU.
public sealed record CommitOutcome(IReadOnlyList<CommitShortfall> Shortfalls, IReadOnlyDictionary<string, int> Backordered);

// A cart line that could not be turned into sold stock: how many were wanted, held, and are left on the shelf.
public sealed record CommitShortfall(string Sku, int Requested, int Held, int Available, string Reason);
