using Bazaar.Catalog;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Search;

// How product writes append to the change feed. The caller saves the rows in the transaction of its own
// write, so a change and its feed row commit (or roll back) together.
public static class SearchFeed
{
    public static void ProductChanged(BazaarDb db, int productId, DateTimeOffset at) =>
        db.SearchChanges.Add(new SearchChange { ProductId = productId, CommittedAt = at });

    // A category's name or place in the tree is part of every document under it.
    public static void CategoryChanged(BazaarDb db, int categoryId, DateTimeOffset at) =>
        db.SearchChanges.Add(new SearchChange { CategoryId = categoryId, CommittedAt = at });

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
                db.SearchChanges.AddRange(products.Select(p => p.Id).Distinct().Select(id => new SearchChange { ProductId = id, CommittedAt = at }));
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
            }
        }
    }
}
