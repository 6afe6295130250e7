using Bazaar.Catalog;

namespace Bazaar.Search;

// Reads products as the index wants them, through the Catalog facade (modules reach each other's tables only
// through the owner's facade): the current state of each product, with its category path and attributes, a
// batch at a time.
public sealed class ProductSource(Catalog.Catalog catalog)
{
    public async Task<IReadOnlyList<int>> ListIdsAsync(CancellationToken ct) =>
        (await catalog.ListSkusAsync(ct)).Select(p => p.ProductId).ToList();

    // The products that still exist, as documents; ids without a product are left out (they were deleted).
    public async Task<List<SearchDocument>> LoadAsync(IReadOnlyCollection<int> productIds, CancellationToken ct) =>
        (await catalog.GetProductsAsync(productIds, ct)).Select(ToDocument).ToList();

    public static SearchDocument ToDocument(ProductDetails p) => new(
        p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Model, p.Description, p.Price, p.Currency, p.ReleasedOn,
        p.ImageUrls.FirstOrDefault(), p.CategoryPath,
        p.Attributes.Select(a => new SearchAttribute(a.Key, a.Name, a.Value, a.Kind == "text")).ToList(),
        p.Eans,
        p.Rating);
}
