using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Catalog;

// The back office's filters: words matched against title, SKU, brand and model (and an EAN exactly), a category
// with its subcategories, and (from Inventory, by the caller) the products in one stock state.
public sealed record ProductListFilter(string? Text = null, int? CategoryId = null, IReadOnlyCollection<int>? OnlyIds = null);

// The back office's product list: every product reachable, a page at a time, sorted in the database.
public sealed class ProductList(BazaarDb db, Catalog catalog)
{
    public static readonly ListShape Shape = new(["id", "title", "sku", "brand", "price", "released"], "id", DefaultDescending: true);

    public async Task<ListPage<ProductSummary>> SearchAsync(ProductListFilter filter, ListQuery list, CancellationToken ct = default)
    {
        var products = db.Products.AsNoTracking();
        if (filter.CategoryId is { } categoryId)
        {
            var ids = await catalog.CategoryWithDescendantsAsync(categoryId, ct);
            products = products.Where(p => ids.Contains(p.CategoryId));
        }
        // One parameter for the whole set (EF would otherwise write one per id, and a stock state can hold thousands).
        if (filter.OnlyIds is { } only) products = products.Where(p => EF.Parameter(only.ToArray()).Contains(p.Id));
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var raw = filter.Text.Trim();
            var text = raw.ToLowerInvariant();
            products = products.Where(p => p.Title.ToLower().Contains(text) || p.Sku.ToLower().Contains(text) || p.Brand.ToLower().Contains(text)
                || p.Model.ToLower().Contains(text) || p.Eans.Contains(raw));
        }
        var total = await products.CountAsync(ct);
        products = (list.Sort, list.Descending) switch
        {
            ("title", false) => products.OrderBy(p => p.Title).ThenBy(p => p.Id),
            ("title", true) => products.OrderByDescending(p => p.Title).ThenByDescending(p => p.Id),
            ("sku", false) => products.OrderBy(p => p.Sku),
            ("sku", true) => products.OrderByDescending(p => p.Sku),
            ("brand", false) => products.OrderBy(p => p.Brand).ThenBy(p => p.Id),
            ("brand", true) => products.OrderByDescending(p => p.Brand).ThenByDescending(p => p.Id),
            ("price", false) => products.OrderBy(p => p.Price).ThenBy(p => p.Id),
            ("price", true) => products.OrderByDescending(p => p.Price).ThenByDescending(p => p.Id),
            ("released", false) => products.OrderBy(p => p.ReleasedOn).ThenBy(p => p.Id),
            ("released", true) => products.OrderByDescending(p => p.ReleasedOn).ThenByDescending(p => p.Id),
            (_, false) => products.OrderBy(p => p.Id),
            _ => products.OrderByDescending(p => p.Id),
        };
        var items = await products.Skip(list.Skip).Take(list.PageSize)
            .Select(p => new ProductSummary(p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Price, p.Currency, p.ImageUrls.FirstOrDefault(), p.CategoryId,
                p.RatingAverage, p.RatingCount))
            .ToListAsync(ct);
        return new ListPage<ProductSummary>(items, total, list.Page, list.PageSize, list.SortText);
    }

    // Ids of the products whose text matches, for the stock list's search by title.
    public async Task<IReadOnlyList<int>> IdsMatchingAsync(string text, int take, CancellationToken ct = default)
    {
        var lower = text.Trim().ToLowerInvariant();
        return await db.Products.AsNoTracking().Where(p => p.Title.ToLower().Contains(lower) || p.Brand.ToLower().Contains(lower))
            .OrderBy(p => p.Id).Select(p => p.Id).Take(take).ToListAsync(ct);
    }
}
