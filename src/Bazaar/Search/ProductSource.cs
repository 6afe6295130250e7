using Bazaar.Catalog;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Search;

// Reads products as the index wants them: a read-only projection of the catalogue's tables, batched (a
// rebuild reads ~19k products with their ~370k attributes), and always the current state of each row.
public sealed class ProductSource(BazaarDb db)
{
    public Task<int> CountAsync(CancellationToken ct) => db.Products.CountAsync(ct);

    public async Task<List<SearchDocument>> LoadAsync(IReadOnlyCollection<int> productIds, CancellationToken ct) =>
        productIds.Count == 0 ? [] : await LoadAsync(db.Products.Where(p => productIds.Contains(p.Id)), ct);

    // Every product, in id order, a batch at a time.
    public async IAsyncEnumerable<List<SearchDocument>> AllAsync(int batchSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0;
        while (true)
        {
            var ids = await db.Products.Where(p => p.Id > after).OrderBy(p => p.Id).Select(p => p.Id).Take(batchSize).ToListAsync(ct);
            if (ids.Count == 0) yield break;
            after = ids[^1];
            yield return await LoadAsync(ids, ct);
        }
    }

    private async Task<List<SearchDocument>> LoadAsync(IQueryable<Product> products, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().Select(c => new { c.Id, c.Name, c.Slug, c.ParentId }).ToDictionaryAsync(c => c.Id, ct);
        var rows = await products.AsNoTracking()
            .Select(p => new { p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Model, p.Description, p.Price, p.Currency, p.ReleasedOn, p.ImageUrls, p.Eans, p.CategoryId })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var attributes = (await db.ProductAttributes.AsNoTracking().Where(a => ids.Contains(a.ProductId)).ToListAsync(ct))
            .ToLookup(a => a.ProductId);

        List<CategoryCrumb> PathOf(int categoryId)
        {
            var path = new List<CategoryCrumb>();
            for (var id = (int?)categoryId; id is { } current && categories.TryGetValue(current, out var c) && path.Count < 32; id = c.ParentId)
                path.Insert(0, new CategoryCrumb(c.Id, c.Name, c.Slug));
            return path;
        }

        return rows.Select(p => new SearchDocument(
            p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Model, p.Description, p.Price, p.Currency, p.ReleasedOn,
            p.ImageUrls.FirstOrDefault(), PathOf(p.CategoryId),
            attributes[p.Id].Select(a => new SearchAttribute(a.Key, a.Name, a.DisplayValue, a.Kind == AttributeKind.Text)).ToList(),
            p.Eans)).ToList();
    }
}
