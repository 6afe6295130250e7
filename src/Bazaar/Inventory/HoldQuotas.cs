using System.Security.Cryptography;
using System.Text;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

// The live units held by the shoppers and clients of a group of hold requests, read in the hold's transaction, and
// counted up as the requests are granted. Exact across nodes: on PostgreSQL the transaction first takes an advisory
// lock per shopper and per client (in key order, before any stock row, so holds cannot deadlock on them), so two holds
// for the same shopper or client take turns between reading the sums and committing; SQLite transactions here are
// IMMEDIATE, so they take turns anyway.
internal sealed class HoldQuotas
{
    private readonly Dictionary<string, int> _shopperUnits;
    private readonly Dictionary<string, int> _clientUnits;
    private readonly Dictionary<(string Client, string Sku), int> _clientSkuUnits;

    private HoldQuotas(Dictionary<string, int> shopperUnits, Dictionary<string, int> clientUnits, Dictionary<(string, string), int> clientSkuUnits)
    {
        _shopperUnits = shopperUnits;
        _clientUnits = clientUnits;
        _clientSkuUnits = clientSkuUnits;
    }

    public static async Task<HoldQuotas?> ReadAsync(BazaarDb db, IReadOnlyCollection<HoldRequest> requests, CancellationToken ct)
    {
        var capped = requests.Where(r => r.Quota is not null).ToList();
        if (capped.Count == 0) return null;
        var shoppers = capped.Select(r => r.ShopperKey).Distinct(StringComparer.Ordinal).ToList();
        var clients = capped.Select(r => r.Quota!.Client).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (db.Database.IsNpgsql())
        {
            var keys = shoppers.Select(s => LockKey("shopper:" + s)).Concat(clients.Select(c => LockKey("client:" + c))).Distinct().Order().ToArray();
            // unnest keeps the array's order, so every transaction takes these locks in the same order.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(k) FROM unnest({keys}) AS k", ct);
        }
        var shopperUnits = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && shoppers.Contains(r.ShopperKey))
            .GroupBy(r => r.ShopperKey).Select(g => new { g.Key, Units = g.Sum(r => r.Quantity) })
            .ToDictionaryAsync(x => x.Key, x => x.Units, StringComparer.Ordinal, ct);
        var clientSkuUnits = clients.Count == 0 ? [] : (await db.Reservations.AsNoTracking()
                .Where(r => r.Status == ReservationStatus.Active && r.ClientAddress != null && clients.Contains(r.ClientAddress))
                .GroupBy(r => new { r.ClientAddress, r.Sku }).Select(g => new { g.Key.ClientAddress, g.Key.Sku, Units = g.Sum(r => r.Quantity) })
                .ToListAsync(ct))
            .ToDictionary(x => (x.ClientAddress!, x.Sku), x => x.Units);
        var clientUnits = clientSkuUnits.GroupBy(x => x.Key.Item1, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Value), StringComparer.Ordinal);
        return new HoldQuotas(shopperUnits, clientUnits, clientSkuUnits);
    }

    // The refusal for a request that would pass one of its caps, or null when it fits.
    public HoldCapReached? Check(HoldRequest request)
    {
        if (request.Quota is not { } quota) return null;
        var shopper = _shopperUnits.GetValueOrDefault(request.ShopperKey);
        if (shopper + request.Quantity > quota.ShopperUnits) return new HoldCapReached(request.Sku, HoldCap.ShopperUnits, quota.ShopperUnits, shopper);
        if (quota.Client is not { } client) return null;
        var ofSku = _clientSkuUnits.GetValueOrDefault((client, request.Sku));
        if (ofSku + request.Quantity > quota.ClientSkuUnits) return new HoldCapReached(request.Sku, HoldCap.ClientSkuUnits, quota.ClientSkuUnits, ofSku);
        var all = _clientUnits.GetValueOrDefault(client);
        if (all + request.Quantity > quota.ClientUnits) return new HoldCapReached(request.Sku, HoldCap.ClientUnits, quota.ClientUnits, all);
        return null;
    }

    // Counts a granted request, so that the next request of the same batch sees it.
    public void Take(HoldRequest request)
    {
        if (request.Quota is not { } quota) return;
        _shopperUnits[request.ShopperKey] = _shopperUnits.GetValueOrDefault(request.ShopperKey) + request.Quantity;
        if (quota.Client is not { } client) return;
        _clientSkuUnits[(client, request.Sku)] = _clientSkuUnits.GetValueOrDefault((client, request.Sku)) + request.Quantity;
        _clientUnits[client] = _clientUnits.GetValueOrDefault(client) + request.Quantity;
    }

    // A stable 64-bit key per shopper or client, in its own namespace so that it cannot meet another feature's locks.
    private static long LockKey(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("bazaar:hold-quota:" + name)), 0);
}
