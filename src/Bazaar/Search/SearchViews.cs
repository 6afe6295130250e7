using System.Globalization;
using Bazaar.Inventory;

namespace Bazaar.Search;

public enum SearchSort
{
    Relevance,
    PriceAsc,
    PriceDesc,
    Rating,
    Newest,
}

// A price range in whole currency units; an open end is null ("1000-" is 1000 and up). The facet's buckets
// leave out their maximum, so a price on a boundary is counted once ($50.00 is in "50 to 100"); any other range
// (one the shopper typed) includes it ("10 to 40" has the $40.00 product), as the words say. A typed range
// that is a bucket ("25 to 50") is that bucket, so it leaves out $50.00.
public sealed record PriceRange(decimal? Min, decimal? Max)
{
    private static readonly (decimal? Min, decimal? Max)[] BucketBounds =
        [(null, 25), (25, 50), (50, 100), (100, 250), (250, 500), (500, 1000), (1000, null)];

    public static readonly IReadOnlyList<PriceRange> Buckets = [.. BucketBounds.Select(b => new PriceRange(b.Min, b.Max))];

    public bool IsBucket => IsBucketBounds(Min, Max);

    private static bool IsBucketBounds(decimal? min, decimal? max) => BucketBounds.Contains((min, max));

    public string Key => $"{Min?.ToString("0.##", CultureInfo.InvariantCulture)}-{Max?.ToString("0.##", CultureInfo.InvariantCulture)}";

    // In cents, worked out once: this runs for every matching product when prices are counted.
    private readonly long _minCents = Min is { } low ? (long)(low * 100) : long.MinValue;
    private readonly long _maxCents = Max is { } high ? (long)(high * 100) + (IsBucketBounds(Min, Max) ? 0 : 1) : long.MaxValue;

    public bool Contains(long cents) => cents >= _minCents && cents < _maxCents;

    internal long MinCents => _minCents;
    internal long MaxCents => _maxCents;

    public static bool TryParse(string? text, out PriceRange range)
    {
        range = new PriceRange(null, null);
        if (string.IsNullOrWhiteSpace(text)) return false;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return false;
        decimal? Parse(string part) => part.Length == 0 ? null
            : decimal.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v <= 10_000_000m ? v : -1;
        var min = Parse(text[..dash].Trim());
        var max = Parse(text[(dash + 1)..].Trim());
        if (min == -1 || max == -1 || (min is null && max is null) || (min is { } a && max is { } b && b <= a)) return false;
        range = new PriceRange(min, max);
        return true;
    }
}

// Filters: OR within one facet, AND across facets.
public sealed record SearchFilters
{
    public IReadOnlyList<int> Categories { get; init; } = [];
    public IReadOnlyList<string> Brands { get; init; } = [];
    public IReadOnlyList<PriceRange> Prices { get; init; } = [];
    public int? MinRating { get; init; }
    public bool InStock { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public bool IsEmpty => Categories.Count == 0 && Brands.Count == 0 && Prices.Count == 0 && MinRating is null && !InStock && Attributes.Count == 0;
}

public sealed record SearchRequest(string? Text, SearchFilters Filters, SearchSort Sort = SearchSort.Relevance, int Page = 1, int PageSize = 24)
{
    public const int MaxPageSize = 100;
    // Results are ranked in memory; no shopper pages this deep, and the bound keeps the work bounded.
    public const int MaxDepth = 10_000;
}

public sealed record SearchResult(
    string Query,
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<SearchHit> Items,
    SearchFacets Facets,
    AppliedFilters Applied,
    string? DidYouMean,
    bool Relaxed,
    double TookMs)
{
    public int PageCount => PageSize == 0 ? 0 : (Math.Min(Total, SearchRequest.MaxDepth) + PageSize - 1) / PageSize;

    // This search's id for analytics: send it back with a result opened or added to the cart (see SearchAnalytics).
    public string SearchId { get; init; } = "";
}

public sealed record SearchHit(
    int Id,
    string Sku,
    string Slug,
    string Title,
    string TitleHtml,
    string Brand,
    decimal Price,
    string Currency,
    string? ImageUrl,
    int CategoryId,
    SearchStock Stock);

public sealed record SearchStock(StockState State, string Label, int? Available)
{
    public static SearchStock NotSold { get; } = new(StockState.OutOfStock, "Not sold right now", null);

    public static SearchStock Of(StockLevel level) => new(level.State, level.Label, Math.Max(level.Available, 0));
}

public sealed record FacetValue(string Value, string Label, int Count, bool Selected);

public sealed record CategoryFacet(int Id, string Name, string Slug, int Count, bool Selected, IReadOnlyList<CategoryFacet> Children);

public sealed record AttributeFacet(string Key, string Name, IReadOnlyList<FacetValue> Values);

public sealed record SearchFacets(
    IReadOnlyList<CategoryFacet> Categories,
    IReadOnlyList<FacetValue> Brands,
    IReadOnlyList<FacetValue> Prices,
    IReadOnlyList<FacetValue> Ratings,
    FacetValue InStock,
    IReadOnlyList<AttributeFacet> Attributes,
    bool RatingsAvailable);

public sealed record AppliedFilter(string Facet, string Value, string Label);

public sealed record AppliedFilters(IReadOnlyList<AppliedFilter> Filters, string? Sort);

// Type-ahead, grouped as the box shows it: searches (the typed words completed), categories, brands, products.
public sealed record Suggestions(string Query, IReadOnlyList<ProductSuggestion> Products, IReadOnlyList<FacetValue> Brands,
    IReadOnlyList<CategorySuggestion> Categories, IReadOnlyList<string> Searches);

public sealed record ProductSuggestion(int Id, string Slug, string Title, string TitleHtml, string Brand, decimal Price, string Currency, string? ImageUrl);

public sealed record CategorySuggestion(int Id, string Name, string Slug, string Path, int Count);
