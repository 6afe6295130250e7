using System.Globalization;
using Bazaar.Catalog;
using Microsoft.Extensions.Caching.Memory;

namespace Bazaar.Search;

// The search facade: what the API and the pages call. Ranking and facet counts come from this node's index;
// the stock each result shows is read from the database (one batched query for the page).
public sealed class ProductSearch(
    SearchIndex index,
    StockSnapshot stock,
    SearchSynonyms synonyms,
    SearchMetrics metrics,
    SearchResultCache results,
    Catalog.Catalog catalog,
    Inventory.Inventory inventory,
    IMemoryCache cache,
    TimeProvider clock)
{
    private const int BrandsShown = 20;
    private const int SuggestedProducts = 6;
    private const int SuggestedBrands = 4;
    private const int SuggestedCategories = 4;
    private const int SuggestedSearches = 4;

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct = default)
    {
        var started = clock.GetTimestamp();
        var tree = await catalog.GetCategoryTreeAsync(ct);
        CachedResult found;
        using (var lease = index.Acquire())
        {
            var (searcher, synonymSet) = (lease.Searcher, synonyms.Current);
            var key = new ResultKey(new ResultGeneration(lease.Version, stock.Version, synonymSet, TreeShapes.GetValue(tree, Shape)), ResultKey.Describe(request));
            var changes = new ResultChanges(lease, stock, products => SearchEngine.AnyMatches(searcher, synonymSet, RankingOptions.Default, request.Text, products));
            if (!results.TryGet(key, changes, out found))
            {
                (found, var matched) = Rank(searcher, request, tree);
                results.Add(key, found, matched);
            }
        }
        var levels = found.Hits.Count == 0 ? new Dictionary<int, Inventory.StockLevel>() : await inventory.GetStockForProductsAsync(found.Hits.Select(h => h.Product.Id).ToList(), ct);
        var items = found.Hits.Select(h => new SearchHit(
            h.Product.Id, h.Product.Sku, h.Product.Slug, h.Product.Title, h.TitleHtml, h.Product.Brand, h.Product.Price, h.Product.Currency,
            h.Product.ImageUrl, h.Product.CategoryId, levels.TryGetValue(h.Product.Id, out var level) ? SearchStock.Of(level) : SearchStock.NotSold)).ToList();
        var took = clock.GetElapsedTime(started).TotalMilliseconds;
        metrics.QueryDuration.Record(took);
        return new SearchResult(SearchEngine.Normalize(request.Text), found.Total, request.Page, request.PageSize, items, found.Facets, found.Applied, found.DidYouMean, found.Relaxed,
            Math.Round(took, 2)) { SearchId = SearchAnalytics.IdOf(request) };
    }

    // The catalogue re-reads its category tree every minute (a new object each time, with the same categories):
    // results depend only on its shape (ids, parents, names, slugs), worked out once per tree.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<CategoryNode>, string> TreeShapes = new();

    private static string Shape(IReadOnlyList<CategoryNode> tree) => string.Join('\u001e',
        Catalog.Catalog.Flatten(tree).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Id}\u001f{c.ParentId}\u001f{c.Name}\u001f{c.Slug}")));

    private (CachedResult Result, int[]? Matched) Rank(Lucene.Net.Search.IndexSearcher searcher, SearchRequest request, IReadOnlyList<CategoryNode> tree)
    {
        var depth = Math.Min(request.Page * request.PageSize, SearchRequest.MaxDepth);
        var engine = SearchEngine.Run(searcher, synonyms.Current, RankingOptions.Default, request.Text, request.Filters, request.Sort, depth, stock, countFacets: true);
        var hits = engine.Top.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize)
            .Select(d => SegmentTerms.Stored(searcher, d.Doc))
            .Select(p => new CachedHit(p, TitleHighlighter.Html(p.Title, p.TitleTokens, engine.HighlightTerms)))
            .ToList();
        return (new CachedResult(engine.Total, hits, Facets(engine, request.Filters, tree), Applied(request, tree), engine.Correction, engine.Relaxed), engine.Matched);
    }

    public async Task<Suggestions> SuggestAsync(string? text, CancellationToken ct = default)
    {
        var typed = SearchEngine.Normalize(text);
        if (SearchFields.Compact(typed).Length == 0) return new Suggestions(typed, [], [], [], []);
        List<ProductSuggestion> products;
        List<string> searches;
        using (var lease = index.Acquire())
        {
            var builder = new SearchQueryBuilder(lease.Searcher.IndexReader, synonyms.Current, RankingOptions.Default);
            searches = builder.Completions(typed, SuggestedSearches);
            var built = builder.BuildPrefix(typed, searches.FirstOrDefault());
            products = built.Query is null ? [] : lease.Searcher.Search(built.Query, SuggestedProducts).ScoreDocs
                .Select(hit =>
                {
                    var p = SegmentTerms.Stored(lease.Searcher, hit.Doc);
                    return new ProductSuggestion(p.Id, p.Slug, p.Title, TitleHighlighter.Html(p.Title, p.TitleTokens, built.HighlightTerms, built.HighlightPrefix), p.Brand, p.Price, p.Currency, p.ImageUrl);
                })
                .ToList();
        }
        var needle = typed.ToLowerInvariant();
        // A brand named by a finished word counts too: "hp las" offers HP.
        var named = needle.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).ToHashSet(StringComparer.Ordinal);
        var brands = BrandNames.GetValue(await BrandsAsync(ct), list => list.Select(b => new Named<BrandCount>(b, b.Brand)).ToArray())
            .Where(b => b.Matches(needle) || named.Contains(b.Lower))
            .Take(SuggestedBrands)
            .Select(b => new FacetValue(b.Item.Brand, b.Item.Brand, b.Item.Count, false))
            .ToList();
        var tree = await catalog.GetCategoryTreeAsync(ct);
        var categories = CategoryNames.GetValue(tree, SuggestableCategories)
            .Where(c => c.Matches(needle))
            .Take(SuggestedCategories)
            .Select(c => new CategorySuggestion(c.Item.Node.Id, c.Item.Node.Name, c.Item.Node.Slug, c.Item.Path, c.Item.Node.ProductCount))
            .ToList();
        return new Suggestions(typed, products, brands, categories, searches);
    }

    // The brand list (re-read every minute) and the category tree (likewise) with their names lower-cased and split
    // once per list, not on every keystroke: type-ahead asks on each one, and the catalogue has thousands of brands.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<BrandCount>, Named<BrandCount>[]> BrandNames = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<CategoryNode>, Named<(CategoryNode Node, string Path)>[]> CategoryNames = new();

    // Categories with products, the fullest first, each with its path of names.
    private static Named<(CategoryNode Node, string Path)>[] SuggestableCategories(IReadOnlyList<CategoryNode> tree)
    {
        var paths = PathNames(tree);
        return Catalog.Catalog.Flatten(tree)
            .Where(c => c.ProductCount > 0)
            .OrderByDescending(c => c.ProductCount)
            .Select(c => new Named<(CategoryNode, string)>((c, paths[c.Id]), c.Name))
            .ToArray();
    }

    private sealed class Named<T>(T item, string name)
    {
        private static readonly char[] Separators = [' ', '-', '/', '&', ','];
        private readonly string[] _words = name.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries);

        public T Item { get; } = item;
        public string Lower { get; } = name.ToLowerInvariant();

        // A name matches what is being typed when it, or one of its words, starts with it.
        public bool Matches(string needle)
        {
            if (Lower.StartsWith(needle, StringComparison.Ordinal)) return true;
            foreach (var word in _words)
                if (word.StartsWith(needle, StringComparison.Ordinal)) return true;
            return false;
        }
    }

    private async Task<IReadOnlyList<BrandCount>> BrandsAsync(CancellationToken ct)
    {
        if (cache.TryGetValue("search:brands", out IReadOnlyList<BrandCount>? brands) && brands is not null) return brands;
        brands = await catalog.ListBrandsAsync(null, Data.Freshness.MayLag, ct);
        cache.Set("search:brands", brands, TimeSpan.FromSeconds(60));
        return brands;
    }

    private static Dictionary<int, string> PathNames(IReadOnlyList<CategoryNode> tree)
    {
        var paths = new Dictionary<int, string>();
        void Walk(IEnumerable<CategoryNode> nodes, string prefix)
        {
            foreach (var node in nodes)
            {
                var path = prefix.Length == 0 ? node.Name : $"{prefix} / {node.Name}";
                paths[node.Id] = path;
                Walk(node.Children, path);
            }
        }
        Walk(tree, "");
        return paths;
    }

    private static SearchFacets Facets(EngineResult engine, SearchFilters filters, IReadOnlyList<CategoryNode> tree)
    {
        var selectedCategories = filters.Categories.ToHashSet();
        List<CategoryFacet> Build(IEnumerable<CategoryNode> nodes) => nodes
            .Select(n => (Node: n, Count: engine.CategoryCounts.GetValueOrDefault(n.Id)))
            .Where(x => x.Count > 0 || selectedCategories.Contains(x.Node.Id))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Node.Name, StringComparer.Ordinal)
            .Select(x => new CategoryFacet(x.Node.Id, x.Node.Name, x.Node.Slug, x.Count, selectedCategories.Contains(x.Node.Id), Build(x.Node.Children)))
            .ToList();

        var brands = engine.BrandCounts
            .OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal)
            .Take(BrandsShown)
            .Select(b => b.Key)
            .Union(filters.Brands)
            .Select(b => new FacetValue(b, b, engine.BrandCounts.GetValueOrDefault(b), filters.Brands.Contains(b)))
            .ToList();

        var prices = engine.PriceValues
            .Select((range, k) => new FacetValue(range.Key, PriceLabel(range), engine.PriceCounts[k], filters.Prices.Contains(range)))
            .Where(v => v.Count > 0 || v.Selected)
            .ToList();

        var ratings = FacetCollector.RatingThresholds
            .Select((stars, k) => new FacetValue(stars.ToString(CultureInfo.InvariantCulture), RatingLabel(stars), engine.RatingCounts[k], filters.MinRating == stars))
            .ToList();

        var attributes = engine.Attributes
            .Select(a => new AttributeFacet(a.Key, a.Name, a.Values
                .Select(v => new FacetValue(v.Value, v.Value, v.Count, filters.Attributes.TryGetValue(a.Key, out var chosen) && chosen.Contains(v.Value)))
                .ToList()))
            .ToList();

        return new SearchFacets(Build(tree), brands, prices, ratings, new FacetValue("true", "In stock", engine.InStockCount, filters.InStock),
            attributes, RatingsAvailable: ratings.Any(r => r.Count > 0));
    }

    private static string RatingLabel(int stars) => stars == 1 ? "1 star & up" : $"{stars} stars & up";

    public static string PriceLabel(PriceRange range) => (range.Min, range.Max) switch
    {
        (null, { } max) => range.IsBucket ? $"Under ${max:0.##}" : $"Up to ${max:0.##}",
        ({ } min, null) => $"${min:0.##} and up",
        ({ } min, { } max) => $"${min:0.##} to ${max:0.##}",
        _ => "Any price",
    };

    // Category names by id, once per category tree (the tree is re-read every minute), not on every search.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<CategoryNode>, Dictionary<int, string>> CategoryNamesById = new();

    private static AppliedFilters Applied(SearchRequest request, IReadOnlyList<CategoryNode> tree)
    {
        var names = CategoryNamesById.GetValue(tree, t => Catalog.Catalog.Flatten(t).ToDictionary(c => c.Id, c => c.Name));
        var f = request.Filters;
        var applied = new List<AppliedFilter>();
        applied.AddRange(f.Categories.Select(c => new AppliedFilter("category", c.ToString(CultureInfo.InvariantCulture), names.GetValueOrDefault(c, $"Category {c}"))));
        applied.AddRange(f.Brands.Select(b => new AppliedFilter("brand", b, b)));
        applied.AddRange(f.Prices.Select(p => new AppliedFilter("price", p.Key, PriceLabel(p))));
        if (f.MinRating is { } stars) applied.Add(new AppliedFilter("rating", stars.ToString(CultureInfo.InvariantCulture), RatingLabel(stars)));
        if (f.InStock) applied.Add(new AppliedFilter("inStock", "true", "In stock"));
        foreach (var (key, values) in f.Attributes)
            applied.AddRange(values.Select(v => new AppliedFilter("attr." + key, v, $"{Slug.Humanize(key)}: {v}")));
        return new AppliedFilters(applied, SearchApi.SortName(request.Sort));
    }
}
