using Bazaar.Platform;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Bazaar.Catalog;

// The catalogue's facade: the only way other modules and the pages reach products and categories.
public sealed class Catalog(BazaarDb db, IMemoryCache cache, TimeProvider clock, Platform.StoreCurrency currency, ReadReplica replica)
{
    public const int MaxPageSize = 100;
    private const string TreeCacheKey = "catalog:tree";

    public async Task<IReadOnlyList<CategoryNode>> GetCategoryTreeAsync(CancellationToken ct = default)
    {
        if (cache.TryGetValue(TreeCacheKey, out IReadOnlyList<CategoryNode>? tree) && tree is not null) return tree;

        var categories = await db.Categories.AsNoTracking()
            .OrderBy(c => c.Position).ThenBy(c => c.Name)
            .Select(c => new { c.Id, c.Name, c.Slug, c.ParentId })
            .ToListAsync(ct);
        var direct = await db.Products.GroupBy(p => p.CategoryId)
            .Select(g => new { CategoryId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.CategoryId, x => x.Count, ct);
        var byParent = categories.ToLookup(c => c.ParentId);

        CategoryNode Build(int id, string name, string slug, int? parentId)
        {
            var children = byParent[id].Select(c => Build(c.Id, c.Name, c.Slug, c.ParentId)).ToList();
            var count = direct.GetValueOrDefault(id) + children.Sum(c => c.ProductCount);
            return new CategoryNode(id, name, slug, parentId, count, children);
        }

        tree = byParent[null].Select(c => Build(c.Id, c.Name, c.Slug, null)).ToList();
        // Navigation renders on every page; a short life keeps other nodes' edits visible soon enough.
        cache.Set(TreeCacheKey, tree, TimeSpan.FromSeconds(60));
        return tree;
    }

    public async Task<CategoryNode?> FindCategoryAsync(string idOrSlug, CancellationToken ct = default)
    {
        var tree = await GetCategoryTreeAsync(ct);
        return Flatten(tree).FirstOrDefault(c => c.Slug == idOrSlug || c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == idOrSlug);
    }

    // From the tree cached for navigation; a category it does not know yet (created on another node, or by an
    // import since it was read) reads the tree again.
    public async Task<IReadOnlyList<CategoryCrumb>> GetCategoryPathAsync(int categoryId, CancellationToken ct = default)
    {
        var all = await CategoriesByIdAsync(ct);
        if (!all.ContainsKey(categoryId))
        {
            Invalidate();
            all = await CategoriesByIdAsync(ct);
        }
        return PathOf(categoryId, all);
    }

    // The catalogue's categories changed behind the facade (an import): the next read of the tree goes to the database.
    public void ForgetCategoryTree() => Invalidate();

    private async Task<Dictionary<int, CategoryNode>> CategoriesByIdAsync(CancellationToken ct) =>
        Flatten(await GetCategoryTreeAsync(ct)).ToDictionary(c => c.Id);

    // The categories as the database has them now. The search index keeps each product's category path until the
    // product changes again, so it must not come from the tree cached for navigation: that may be up to a minute
    // old, and on a first start it was cached empty if a page was shown before the import.
    private async Task<Dictionary<int, CategoryNode>> CurrentCategoriesByIdAsync(CancellationToken ct) =>
        await db.Categories.AsNoTracking()
            .Select(c => new CategoryNode(c.Id, c.Name, c.Slug, c.ParentId, 0, Array.Empty<CategoryNode>()))
            .ToDictionaryAsync(c => c.Id, ct);

    private static List<CategoryCrumb> PathOf(int categoryId, Dictionary<int, CategoryNode> all)
    {
        var path = new List<CategoryCrumb>();
        for (var node = all.GetValueOrDefault(categoryId); node is not null; node = node.ParentId is { } p ? all.GetValueOrDefault(p) : null)
            path.Insert(0, new CategoryCrumb(node.Id, node.Name, node.Slug));
        return path;
    }

    public static IEnumerable<CategoryNode> Flatten(IEnumerable<CategoryNode> nodes) =>
        nodes.SelectMany(n => Flatten(n.Children).Prepend(n));

    // A category filter covers its subcategories: a department page lists everything below it.
    internal async Task<List<int>> CategoryWithDescendantsAsync(int categoryId, CancellationToken ct)
    {
        var node = Flatten(await GetCategoryTreeAsync(ct)).FirstOrDefault(c => c.Id == categoryId);
        return node is null ? [categoryId] : Flatten([node]).Select(c => c.Id).ToList();
    }

    // Shoppers' listings may come from the replica (Freshness.MayLag); the admin's lists read the primary.
    public async Task<ResultPage<ProductSummary>> ListProductsAsync(ProductQuery query, Freshness freshness = Freshness.Current,
        CancellationToken ct = default)
    {
        var ids = query.CategoryId is { } categoryId ? await CategoryWithDescendantsAsync(categoryId, ct) : null;
        return await replica.ReadAsync(db, freshness, source => ListProductsAsync(source, query, ids, ct), ct);
    }

    private static async Task<ResultPage<ProductSummary>> ListProductsAsync(BazaarDb db, ProductQuery query, List<int>? ids,
        CancellationToken ct)
    {
        var products = db.Products.AsNoTracking();
        if (ids is not null) products = products.Where(p => ids.Contains(p.CategoryId));
        if (!string.IsNullOrWhiteSpace(query.Brand)) products = products.Where(p => p.Brand == query.Brand);

        var total = await products.CountAsync(ct);
        products = query.Sort switch
        {
            ProductSort.PriceAsc => products.OrderBy(p => p.Price).ThenBy(p => p.Id),
            ProductSort.PriceDesc => products.OrderByDescending(p => p.Price).ThenBy(p => p.Id),
            ProductSort.Title => products.OrderBy(p => p.Title).ThenBy(p => p.Id),
            _ => products.OrderByDescending(p => p.ReleasedOn).ThenByDescending(p => p.Id),
        };
        var items = await products
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(p => new ProductSummary(p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Price, p.Currency, p.ImageUrls.FirstOrDefault(), p.CategoryId, p.RatingAverage, p.RatingCount))
            .ToListAsync(ct);
        return new ResultPage<ProductSummary>(items, total, query.Page, query.PageSize);
    }

    public async Task<IReadOnlyList<BrandCount>> ListBrandsAsync(int? categoryId, Freshness freshness = Freshness.Current,
        CancellationToken ct = default)
    {
        var ids = categoryId is { } id ? await CategoryWithDescendantsAsync(id, ct) : null;
        return await replica.ReadAsync(db, freshness, async source =>
        {
            var products = source.Products.AsNoTracking();
            if (ids is not null) products = products.Where(p => ids.Contains(p.CategoryId));
            var brands = await products.GroupBy(p => p.Brand)
                .Select(g => new { Brand = g.Key, Count = g.Count() })
                .OrderByDescending(b => b.Count).ThenBy(b => b.Brand)
                .ToListAsync(ct);
            return (IReadOnlyList<BrandCount>)brands.Select(b => new BrandCount(b.Brand, b.Count)).ToList();
        }, ct);
    }

    public Task<ProductDetails?> GetProductAsync(int id, CancellationToken ct = default) =>
        LoadDetailsAsync(db.Products.Where(p => p.Id == id), ct);

    public Task<ProductDetails?> GetProductBySlugAsync(string slug, CancellationToken ct = default) =>
        LoadDetailsAsync(db.Products.Where(p => p.Slug == slug), ct);

    // Many products in full, in three queries whatever their number (the products, their attributes, and the
    // categories as they are now): for the search index, which reads the whole catalogue on a rebuild.
    // Ids without a product are left out; the order is the products' ids.
    public async Task<IReadOnlyList<ProductDetails>> GetProductsAsync(IReadOnlyCollection<int> ids, CancellationToken ct = default)
    {
        var products = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id)
            .Include(p => p.Attributes).AsSplitQuery().ToListAsync(ct);
        if (products.Count == 0) return [];
        var categories = await CurrentCategoriesByIdAsync(ct);
        return products.Select(p => Details(p, PathOf(p.CategoryId, categories))).ToList();
    }

    // Every product's address and last change, for the sitemap.
    public async Task<IReadOnlyList<(string Slug, DateTimeOffset UpdatedAt)>> ListSlugsAsync(CancellationToken ct = default) =>
        (await db.Products.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Slug, p.UpdatedAt }).ToListAsync(ct))
            .Select(p => (p.Slug, p.UpdatedAt)).ToList();

    public async Task<IReadOnlyList<ProductSummary>> GetProductSummariesAsync(IReadOnlyCollection<int> ids, CancellationToken ct = default) =>
        await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new ProductSummary(p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Price, p.Currency, p.ImageUrls.FirstOrDefault(), p.CategoryId, p.RatingAverage, p.RatingCount))
            .ToListAsync(ct);

    // The spec-sheet keys that give a product's shipping weight, in grams, the first found winning: the packed weight
    // (what the parcel weighs), else the product's own.
    private static readonly string[] WeightKeys = ["package_weight", "weight"];

    // Each product's shipping weight in grams, for the products whose spec sheet has one (left out otherwise).
    public async Task<IReadOnlyDictionary<int, int>> GetShippingWeightsAsync(IReadOnlyCollection<int> ids, CancellationToken ct = default)
    {
        var rows = await db.ProductAttributes.AsNoTracking()
            .Where(a => ids.Contains(a.ProductId) && WeightKeys.Contains(a.Key) && a.Kind == AttributeKind.Number && a.Number != null && a.Number > 0)
            .Select(a => new { a.ProductId, a.Key, a.Number }).ToListAsync(ct);
        return rows.GroupBy(r => r.ProductId).ToDictionary(g => g.Key,
            g => (int)Math.Ceiling(g.OrderBy(r => Array.IndexOf(WeightKeys, r.Key)).First().Number!.Value));
    }

    // Each product's category and the categories above it (ids), for rules that name a department.
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> GetCategoryPathsAsync(IReadOnlyCollection<int> ids, CancellationToken ct = default)
    {
        var products = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.CategoryId }).ToListAsync(ct);
        var categories = await CategoriesByIdAsync(ct);
        return products.ToDictionary(p => p.Id, p => (IReadOnlyList<int>)PathOf(p.CategoryId, categories).Select(c => c.Id).ToList());
    }

    // The Reviews module's summary of a product's published reviews, written in the caller's transaction. Not a
    // product edit: the search feed row is the caller's to append.
    public Task SetRatingAsync(int productId, int count, double average, CancellationToken ct = default) =>
        db.Products.Where(p => p.Id == productId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RatingCount, count).SetProperty(p => p.RatingAverage, average), ct);

    public async Task<bool> IsEmptyAsync(CancellationToken ct = default) => !await db.Products.AnyAsync(ct);

    public async Task<int?> FindProductIdBySkuAsync(string sku, CancellationToken ct = default) =>
        await db.Products.Where(p => p.Sku == sku).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);

    // Every product's SKU and id, for modules that keep something per product (stock, for one).
    public async Task<IReadOnlyList<(string Sku, int ProductId)>> ListSkusAsync(CancellationToken ct = default) =>
        (await db.Products.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Sku, p.Id }).ToListAsync(ct)).Select(p => (p.Sku, p.Id)).ToList();

    private async Task<ProductDetails?> LoadDetailsAsync(IQueryable<Product> source, CancellationToken ct)
    {
        var p = await source.AsNoTracking().Include(x => x.Attributes).AsSplitQuery().FirstOrDefaultAsync(ct);
        return p is null ? null : Details(p, await GetCategoryPathAsync(p.CategoryId, ct));
    }

    internal static ProductDetails Details(Product p, IReadOnlyList<CategoryCrumb> path)
    {
        var attributes = p.Attributes.OrderBy(a => a.Name)
            .Select(a => new ProductAttributeView(a.Key, a.Name, a.Kind.ToString().ToLowerInvariant(), a.DisplayValue))
            .ToList();
        return new ProductDetails(p.Id, p.Sku, p.Slug, p.Title, p.Brand, p.Model, p.Description, p.Price, p.Currency,
            p.ReleasedOn, p.Eans, p.ImageUrls, path, attributes, p.RatingAverage, p.RatingCount);
    }

    public async Task<ProductDetails> CreateProductAsync(ProductInput input, CancellationToken ct = default)
    {
        await CheckAsync(input, null, ct);
        var now = clock.GetUtcNow();
        var product = new Product
        {
            Sku = input.Sku!.Trim(),
            Slug = "",
            Title = "",
            Brand = "",
            CreatedAt = now,
        };
        Apply(product, input, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Products.Add(product);
        await db.SaveChangesAsync(ct);
        // The id makes the slug unique, so it is known only after the insert.
        product.Slug = $"{Slug.From(product.Title)}-{product.Id}";
        ChangeFeed.ProductChanged(db, product.Id, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
        return (await GetProductAsync(product.Id, ct))!;
    }

    // An uploaded picture (ProductImages) becomes the product's last image.
    public async Task AddImageAsync(int id, string url, CancellationToken ct = default)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new CatalogNotFoundException($"No product with id {id}.");
        if (product.ImageUrls.Contains(url)) return;
        product.ImageUrls = [.. product.ImageUrls, url];
        product.UpdatedAt = clock.GetUtcNow();
        ChangeFeed.ProductChanged(db, product.Id, product.UpdatedAt);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
    }

    public async Task<ProductDetails> UpdateProductAsync(int id, ProductInput input, CancellationToken ct = default)
    {
        var product = await db.Products.Include(p => p.Attributes).FirstOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new CatalogNotFoundException($"No product with id {id}.");
        await CheckAsync(input, id, ct);
        product.Sku = input.Sku!.Trim();
        Apply(product, input, clock.GetUtcNow());
        product.Slug = $"{Slug.From(product.Title)}-{product.Id}";
        ChangeFeed.ProductChanged(db, product.Id, product.UpdatedAt);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
        return (await GetProductAsync(id, ct))!;
    }

    public async Task DeleteProductAsync(int id, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Products.Where(p => p.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) throw new CatalogNotFoundException($"No product with id {id}.");
        ChangeFeed.ProductChanged(db, id, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
    }

    public async Task<CategoryNode> CreateCategoryAsync(CategoryInput input, CancellationToken ct = default)
    {
        await CheckAsync(input, null, ct);
        var name = input.Name!.Trim();
        var category = new Category { Name = name, Slug = await UniqueCategorySlugAsync(name, null, ct), ParentId = input.ParentId, Position = input.Position ?? 0 };
        db.Categories.Add(category);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
        return (await FindCategoryAsync(category.Slug, ct))!;
    }

    public async Task<CategoryNode> UpdateCategoryAsync(int id, CategoryInput input, CancellationToken ct = default)
    {
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new CatalogNotFoundException($"No category with id {id}.");
        await CheckAsync(input, id, ct);
        var name = input.Name!.Trim();
        if (name != category.Name) category.Slug = await UniqueCategorySlugAsync(name, id, ct);
        category.Name = name;
        category.ParentId = input.ParentId;
        category.Position = input.Position ?? category.Position;
        ChangeFeed.CategoryChanged(db, id, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        Invalidate();
        return (await FindCategoryAsync(category.Slug, ct))!;
    }

    public async Task DeleteCategoryAsync(int id, CancellationToken ct = default)
    {
        if (!await db.Categories.AnyAsync(c => c.Id == id, ct)) throw new CatalogNotFoundException($"No category with id {id}.");
        if (await db.Categories.AnyAsync(c => c.ParentId == id, ct))
            throw new CatalogConflictException($"Category {id} has subcategories; move or delete them first.");
        if (await db.Products.AnyAsync(p => p.CategoryId == id, ct))
            throw new CatalogConflictException($"Category {id} still holds products; move or delete them first.");
        await db.Categories.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        Invalidate();
    }

    private void Invalidate() => cache.Remove(TreeCacheKey);

    // Products priced in another currency than the store's (saved before Store:Currency was enforced, or before it
    // changed): they cannot be bought until an admin prices them in the store's currency (ADR 0009).
    public async Task<IReadOnlyList<Violation>> AuditCurrencyAsync(CancellationToken ct = default) =>
        (await db.Products.AsNoTracking().Where(p => p.Currency != currency.Code).OrderBy(p => p.Id).Take(100)
            .Select(p => new { p.Sku, p.Currency }).ToListAsync(ct))
        .Select(p => new Violation("every price is in the store's currency", $"product {p.Sku}",
            $"priced in {p.Currency.Trim()}, the store sells in {currency.Code}: price it in {currency.Code}"))
        .ToList();

    private async Task CheckAsync(ProductInput input, int? productId, CancellationToken ct)
    {
        var errors = CatalogRules.Check(input);
        // One store currency: a price in another is refused where it enters, never converted (ADR 0009).
        if (input.Currency is { } given && !errors.ContainsKey("currency") && !currency.Is(given.Trim().ToUpperInvariant()))
            errors["currency"] = [currency.Refusal(given)];
        if (input.Price is { } price && !errors.ContainsKey("price") && !currency.IsWhole(price))
            errors["price"] = [$"A price in {currency.Code} has at most {currency.Decimals} decimal places."];
        if (input.CategoryId is { } categoryId && !await db.Categories.AnyAsync(c => c.Id == categoryId, ct))
            errors["categoryId"] = [$"No category with id {categoryId}."];
        if (errors.Count > 0) throw new CatalogValidationException(errors);
        var sku = input.Sku!.Trim();
        if (await db.Products.AnyAsync(p => p.Sku == sku && p.Id != productId, ct))
            throw new CatalogConflictException($"Another product already has SKU '{sku}'.");
    }

    private async Task CheckAsync(CategoryInput input, int? categoryId, CancellationToken ct)
    {
        var errors = CatalogRules.Check(input);
        if (input.ParentId is { } parentId)
        {
            if (!await db.Categories.AnyAsync(c => c.Id == parentId, ct))
                errors["parentId"] = [$"No category with id {parentId}."];
            else if (categoryId is { } self && await IsSelfOrDescendantAsync(parentId, self, ct))
                errors["parentId"] = ["A category cannot be moved under itself or one of its subcategories."];
        }
        if (errors.Count > 0) throw new CatalogValidationException(errors);
    }

    private async Task<bool> IsSelfOrDescendantAsync(int candidate, int ancestor, CancellationToken ct)
    {
        var parents = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.ParentId, ct);
        for (int? id = candidate; id is { } current; id = parents.GetValueOrDefault(current))
            if (current == ancestor) return true;
        return false;
    }

    private async Task<string> UniqueCategorySlugAsync(string name, int? categoryId, CancellationToken ct)
    {
        var baseSlug = Slug.From(name);
        if (baseSlug.Length == 0) baseSlug = "category";
        var slug = baseSlug;
        for (var n = 2; await db.Categories.AnyAsync(c => c.Slug == slug && c.Id != categoryId, ct); n++) slug = $"{baseSlug}-{n}";
        return slug;
    }

    private void Apply(Product product, ProductInput input, DateTimeOffset now)
    {
        product.Title = input.Title!.Trim();
        product.Brand = input.Brand!.Trim();
        product.Model = input.Model?.Trim() ?? "";
        product.Description = input.Description?.Trim() ?? "";
        product.Price = input.Price!.Value;
        product.Currency = currency.Code;
        product.CategoryId = input.CategoryId!.Value;
        product.ReleasedOn = input.ReleasedOn;
        product.Eans = [.. input.Eans ?? []];
        product.ImageUrls = [.. input.ImageUrls ?? []];
        product.Attributes.Clear();
        product.Attributes.AddRange((input.Attributes ?? []).Select(CatalogRules.ToAttribute));
        product.UpdatedAt = now;
    }
}
