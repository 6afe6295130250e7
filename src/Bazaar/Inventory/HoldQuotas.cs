using System.Security.Cryptography;
using System.Text;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
        if (db.Database.IsNpgsql()) return await ReadLockedAsync(db, shoppers, clients, ct);
        var shopperUnits = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Active && shoppers.Contains(r.ShopperKey))
            .GroupBy(r => r.ShopperKey).Select(g => new { g.Key, Units = g.Sum(r => r.Quantity) })
            .ToDictionaryAsync(x => x.Key, x => x.Units, StringComparer.Ordinal, ct);
        var clientSkuUnits = clients.Count == 0 ? [] : (await db.Reservations.AsNoTracking()
                .Where(r => r.Status == ReservationStatus.Active && r.ClientAddress != null && clients.Contains(r.ClientAddress))
                .GroupBy(r => new { r.ClientAddress, r.Sku }).Select(g => new { g.Key.ClientAddress, g.Key.Sku, Units = g.Sum(r => r.Quantity) })
                .ToListAsync(ct))
            .ToDictionary(x => (x.ClientAddress!, x.Sku), x => x.Units);
        return new HoldQuotas(shopperUnits, Totals(clientSkuUnits), clientSkuUnits);
    }

    // PostgreSQL: the locks and the sums in one round trip (a hold pays for it on every add), as two statements of one
    // batch: in READ COMMITTED each statement reads a fresh snapshot, so the sums see every hold committed before the
    // locks were granted. unnest keeps the array's order, so every transaction takes the locks in the same order.
    private static async Task<HoldQuotas> ReadLockedAsync(BazaarDb db, List<string> shoppers, List<string> clients, CancellationToken ct)
    {
        var keys = shoppers.Select(s => LockKey("shopper:" + s)).Concat(clients.Select(c => LockKey("client:" + c))).Distinct().Order().ToArray();
        var connection = db.Database.GetDbConnection();
        await using var batch = connection.CreateBatch();
        batch.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Hold quotas are read in the hold's transaction.");
        var locks = batch.CreateBatchCommand();
        locks.CommandText = "SELECT pg_advisory_xact_lock(k) FROM unnest($1) AS k";
        locks.Parameters.Add(new Npgsql.NpgsqlParameter { Value = keys });
        batch.BatchCommands.Add(locks);
        var sums = batch.CreateBatchCommand();
        sums.CommandText = """
            SELECT 0, shopper_key, '', SUM(quantity)::int FROM reservations WHERE status = 'Active' AND shopper_key = ANY($1) GROUP BY shopper_key
            UNION ALL
            SELECT 1, client_address, sku, SUM(quantity)::int FROM reservations WHERE status = 'Active' AND client_address = ANY($2)
            GROUP BY client_address, sku
            """;
        sums.Parameters.Add(new Npgsql.NpgsqlParameter { Value = shoppers.ToArray() });
        sums.Parameters.Add(new Npgsql.NpgsqlParameter { Value = clients.ToArray() });
        batch.BatchCommands.Add(sums);
        var shopperUnits = new Dictionary<string, int>(StringComparer.Ordinal);
        var clientSkuUnits = new Dictionary<(string, string), int>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) { }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetInt32(0) == 0) shopperUnits[reader.GetString(1)] = reader.GetInt32(3);
                else clientSkuUnits[(reader.GetString(1), reader.GetString(2))] = reader.GetInt32(3);
            }
        }
        return new HoldQuotas(shopperUnits, Totals(clientSkuUnits), clientSkuUnits);
    }

    private static Dictionary<string, int> Totals(Dictionary<(string Client, string Sku), int> clientSkuUnits) =>
        clientSkuUnits.GroupBy(x => x.Key.Client, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Value), StringComparer.Ordinal);

    public int ShopperUnits(string shopperKey) => _shopperUnits.GetValueOrDefault(shopperKey);

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
