using System.Globalization;
using System.Text;
using Bazaar.Data;
using Bazaar.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Recommendations;

// Keeps the co-purchase counts behind "also bought" up to date: counts new orders as they settle (incremental) and
// recomputes everything from all orders once a FullRebuildEvery (dropping cancelled orders). Safe on every node at
// once: a step holds the builder's progress row locked (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one
// writer), and the counts and the progress commit together, so no order is counted twice or missed.
public sealed class AlsoBoughtBuilder(BazaarDb db, OrderHistory orders, TimeProvider clock, IOptions<RecommendationsOptions> options)
{
    public const string Name = "also_bought";
    private const int IncrementalBatch = 500;
    private const int RebuildPage = 5000;
    private const int RowsPerInsert = 500;

    public sealed record StepResult(bool Claimed, bool Rebuilt, int Orders);

    public async Task<StepResult> StepAsync(CancellationToken ct = default)
    {
        await EnsureProgressRowAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var progress = await ClaimAsync(ct);
        if (progress is null) return new StepResult(false, false, 0);
        var now = clock.GetUtcNow();
        var rebuild = progress.RebuiltAt is not { } at || now - at >= options.Value.FullRebuildEvery;
        var counted = rebuild ? await RebuildAsync(progress, now, ct) : await CountNewOrdersAsync(progress, now, ct);
        progress.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new StepResult(true, rebuild, counted);
    }

    // Forces a full rebuild at the next step (the admin's button, the seeder).
    public Task RequestRebuildAsync(CancellationToken ct = default) =>
        db.RecommendationProgress.Where(p => p.Name == Name).ExecuteUpdateAsync(s => s.SetProperty(p => p.RebuiltAt, (DateTimeOffset?)null), ct);

    public async Task<(long LastOrderId, DateTimeOffset? RebuiltAt, int Products, int Pairs)> StatusAsync(CancellationToken ct = default)
    {
        var progress = await db.RecommendationProgress.AsNoTracking().FirstOrDefaultAsync(p => p.Name == Name, ct);
        return (progress?.LastOrderId ?? 0, progress?.RebuiltAt, await db.CoPurchaseItems.CountAsync(ct), await db.CoPurchasePairs.CountAsync(ct));
    }

    private async Task<int> CountNewOrdersAsync(RecommendationProgress progress, DateTimeOffset now, CancellationToken ct)
    {
        var baskets = await orders.ListBasketsAsync(progress.LastOrderId, now - options.Value.SettleTime, IncrementalBatch, ct);
        if (baskets.Count == 0) return 0;
        var counts = new CoPurchaseCounts();
        foreach (var b in baskets.Where(b => !b.Cancelled)) counts.Add(b.ProductIds);
        await AddCountsAsync(counts, ct);
        progress.LastOrderId = baskets[^1].OrderId;
        return baskets.Count;
    }

    private async Task<int> RebuildAsync(RecommendationProgress progress, DateTimeOffset now, CancellationToken ct)
    {
        var counts = new CoPurchaseCounts();
        var (last, total, cutoff) = (0L, 0, now - options.Value.SettleTime);
        while (true)
        {
            var page = await orders.ListBasketsAsync(last, cutoff, RebuildPage, ct);
            if (page.Count == 0) break;
            foreach (var b in page.Where(b => !b.Cancelled)) counts.Add(b.ProductIds);
            last = page[^1].OrderId;
            total += page.Count;
        }
        await db.CoPurchasePairs.ExecuteDeleteAsync(ct);
        await db.CoPurchaseItems.ExecuteDeleteAsync(ct);
        await AddCountsAsync(counts, ct);
        progress.LastOrderId = last;
        progress.RebuiltAt = now;
        return total;
    }

    // Set-based upserts, a few hundred rows a statement; the values are integers, written inline.
    private async Task AddCountsAsync(CoPurchaseCounts counts, CancellationToken ct)
    {
        foreach (var chunk in counts.Baskets.Chunk(RowsPerInsert))
            await UpsertAsync("copurchase_items (product_id, baskets)", "(product_id)", chunk.Select(c => $"({c.Key},{c.Value})"), ct);
        foreach (var chunk in counts.Pairs().Chunk(RowsPerInsert))
            await UpsertAsync("copurchase_pairs (product_id, other_id, baskets)", "(product_id, other_id)", chunk.Select(p => $"({p.ProductId},{p.OtherId},{p.Together})"), ct);
    }

    private Task UpsertAsync(string target, string conflict, IEnumerable<string> rows, CancellationToken ct)
    {
        var table = target[..target.IndexOf(' ', StringComparison.Ordinal)];
        var sql = new StringBuilder("INSERT INTO ").Append(target).Append(" VALUES ").AppendJoin(',', rows)
            .Append(CultureInfo.InvariantCulture, $" ON CONFLICT {conflict} DO UPDATE SET baskets = {table}.baskets + excluded.baskets");
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), ct);
    }

    private Task EnsureProgressRowAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO recommendation_progress (name, last_order_id, updated_at) VALUES ({Name}, 0, {db.Instant(DateTimeOffset.UnixEpoch)}) ON CONFLICT (name) DO NOTHING", ct);

    // PostgreSQL: the node that locks the row does the step, the others skip it. SQLite: Microsoft.Data.Sqlite begins
    // transactions IMMEDIATE, so the step already holds the database's one write lock.
    private async Task<RecommendationProgress?> ClaimAsync(CancellationToken ct) =>
        db is PostgresBazaarDb
            ? await db.RecommendationProgress.FromSql($"SELECT * FROM recommendation_progress WHERE name = {Name} FOR UPDATE SKIP LOCKED").FirstOrDefaultAsync(ct)
            : await db.RecommendationProgress.FirstOrDefaultAsync(p => p.Name == Name, ct);
}
