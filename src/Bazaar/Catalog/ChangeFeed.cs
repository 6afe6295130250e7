using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Catalog;

// The catalogue's change feed (an outbox): product and category writes append to it in their own transaction, and
// readers (each node's search indexer) tail it by id. Catalog owns the table; every write to it is here. Writers
// pass their context, so a change and its feed row commit (or roll back) together: the caller's-transaction rule of
// docs/decisions/0011-cross-module-atomicity.md.
public static class ChangeFeed
{
    public static void ProductChanged(BazaarDb db, int productId, DateTimeOffset at) =>
        db.ProductChanges.Add(new ProductChange { ProductId = productId, CommittedAt = at });

    // A category's name or place in the tree is part of every document under it.
    public static void CategoryChanged(BazaarDb db, int categoryId, DateTimeOffset at) =>
        db.ProductChanges.Add(new ProductChange { CategoryId = categoryId, CommittedAt = at });

    // For bulk writers: notes the products the change tracker is about to insert or update, before
    // SaveChanges (afterwards every entry looks unchanged); AppendAsync then writes their rows, once the new
    // products have ids. Call AppendAsync inside the same transaction as the SaveChanges.
    public static PendingProductWrites TrackProductWrites(BazaarDb db)
    {
        db.ChangeTracker.DetectChanges();
        var entries = db.ChangeTracker.Entries<Product>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity)
            .ToList();
        return new PendingProductWrites(db, entries);
    }

    public sealed class PendingProductWrites(BazaarDb db, List<Product> products)
    {
        public async Task AppendAsync(DateTimeOffset at, CancellationToken ct)
        {
            if (products.Count == 0) return;
            var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                db.ProductChanges.AddRange(products.Select(p => p.Id).Distinct()
                    .Select(id => new ProductChange { ProductId = id, CommittedAt = at }));
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            }
        }
    }

    // Reading, for the feed's readers.

    public static Task<long?> OldestIdAsync(BazaarDb db, CancellationToken ct) => db.ProductChanges.MinAsync(c => (long?)c.Id, ct);

    public static Task<long?> LatestIdAsync(BazaarDb db, CancellationToken ct) => db.ProductChanges.MaxAsync(c => (long?)c.Id, ct);

    // The next `take` rows after `afterId`, in id order.
    public static async Task<List<ProductChangeRow>> ReadAfterAsync(BazaarDb db, long afterId, int take, CancellationToken ct) =>
        await db.ProductChanges.AsNoTracking().Where(c => c.Id > afterId).OrderBy(c => c.Id).Take(take)
            .Select(c => new ProductChangeRow(c.Id, c.ProductId, c.CategoryId, c.CommittedAt)).ToListAsync(ct);

    // The rows with these ids that exist now (a reader's gaps: ids that were not visible when it passed them).
    public static async Task<List<ProductChangeRow>> ReadAsync(BazaarDb db, IReadOnlyCollection<long> ids, CancellationToken ct) =>
        await db.ProductChanges.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new ProductChangeRow(c.Id, c.ProductId, c.CategoryId, c.CommittedAt)).ToListAsync(ct);

    // How far a reader that has seen every row up to `afterId` is behind: the rows after it and the oldest one's time.
    public static async Task<(int Count, DateTimeOffset? OldestAt)> PendingAfterAsync(BazaarDb db, long afterId, CancellationToken ct)
    {
        var oldest = await db.ProductChanges.Where(c => c.Id > afterId).OrderBy(c => c.Id)
            .Select(c => (DateTimeOffset?)c.CommittedAt).FirstOrDefaultAsync(ct);
        return (await db.ProductChanges.CountAsync(c => c.Id > afterId, ct), oldest);
    }

    // The ids above `afterId`, in order (to find the ones still invisible, of transactions not yet committed).
    public static async Task<List<long>> IdsAfterAsync(BazaarDb db, long afterId, CancellationToken ct) =>
        await db.ProductChanges.Where(c => c.Id > afterId).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);

    // Retention: deletes rows committed before `committedBefore` with ids below `belowId` (a reader passes the id it
    // has applied through, so the newest row, and so the highest id, always stays).
    public static Task<int> PruneAsync(BazaarDb db, DateTimeOffset committedBefore, long belowId, CancellationToken ct) =>
        db.ProductChanges.Where(c => c.CommittedAt < committedBefore && c.Id < belowId).ExecuteDeleteAsync(ct);
}
