namespace Bazaar.Catalog;

public sealed record CategoryNode(int Id, string Name, string Slug, int? ParentId, int ProductCount, IReadOnlyList<CategoryNode> Children);

public sealed record CategoryCrumb(int Id, string Name, string Slug);

public sealed record ProductSummary(
    int Id, string Sku, string Slug, string Title, string Brand, decimal Price, string Currency, string? ImageUrl, int CategoryId,
    double Rating = 0, int ReviewCount = 0);

public sealed record ProductAttributeView(string Key, string Name, string Kind, string Value);

public sealed record ProductDetails(
    int Id,
    string Sku,
    string Slug,
    string Title,
    string Brand,
    string Model,
    string Description,
    decimal Price,
    string Currency,
    DateOnly? ReleasedOn,
    IReadOnlyList<string> Eans,
    IReadOnlyList<string> ImageUrls,
    IReadOnlyList<CategoryCrumb> CategoryPath,
    IReadOnlyList<ProductAttributeView> Attributes,
    double Rating = 0,
    int ReviewCount = 0);

public sealed record ResultPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public int PageCount => PageSize == 0 ? 0 : (Total + PageSize - 1) / PageSize;
}

public enum ProductSort
{
    Newest,
    PriceAsc,
    PriceDesc,
    Title,
}

public sealed record ProductQuery(int? CategoryId = null, string? Brand = null, ProductSort Sort = ProductSort.Newest, int Page = 1, int PageSize = 24);

public sealed record BrandCount(string Brand, int Count);
