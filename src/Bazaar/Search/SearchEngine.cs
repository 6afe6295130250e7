using Lucene.Net.Search;

namespace Bazaar.Search;

// The ranking and counting of a search against one index searcher, with no database: the store's
// ProductSearch and the relevance harness both run searches through here.
public static class SearchEngine
{
    public const int AttributeFacets = 6;
    public const int ValuesPerAttribute = 10;

    public static EngineResult Run(IndexSearcher searcher, SynonymSet synonyms, RankingOptions ranking, string? text, SearchFilters filters,
        SearchSort sort, int depth, StockSnapshot stock, bool countFacets)
    {
        var trimmed = Normalize(text);
        var builder = new SearchQueryBuilder(searcher.IndexReader, synonyms, ranking);
        var plan = builder.Prepare(trimmed);
        var built = builder.Build(plan);
        // Nothing to match on (no text, or only punctuation): every product, newest first unless sorted otherwise.
        if (built.Query is null && sort == SearchSort.Relevance) sort = SearchSort.Newest;

        var result = Collect(searcher, built.Query ?? new MatchAllDocsQuery(), filters, sort, depth, stock, countFacets);
        var relaxed = false;
        if (result.Total < ranking.RelaxBelow && built.Query is not null && built.Slots > 1)
        {
            // Few products have (nearly) all the words: show also those with some of them, best first, and say so.
            var loose = builder.Build(plan, relaxed: true);
            var second = Collect(searcher, loose.Query!, filters, sort, depth, stock, countFacets);
            if (second.Total > result.Total)
            {
                result = second;
                relaxed = true;
            }
        }
        return result with
        {
            Text = trimmed,
            HighlightTerms = built.HighlightTerms,
            Correction = built.Correction is { } c && c != trimmed.ToLowerInvariant() ? c : null,
            Relaxed = relaxed,
        };
    }

    // Whether any of these products matches the text now, as strictly as a search would or more loosely (a
    // product that matches only loosely can still change whether a search falls back to the loose match).
    public static bool AnyMatches(IndexSearcher searcher, SynonymSet synonyms, RankingOptions ranking, string? text, IReadOnlyCollection<int> productIds)
    {
        if (productIds.Count == 0) return false;
        // More than a boolean query takes (a bulk change): say yes, and the caller ranks again.
        if (productIds.Count > BooleanQuery.MaxClauseCount) return true;
        var builder = new SearchQueryBuilder(searcher.IndexReader, synonyms, ranking);
        var plan = builder.Prepare(Normalize(text));
        var built = builder.Build(plan, relaxed: plan.Slots.Count > 1);
        var ids = new BooleanQuery(disableCoord: true);
        foreach (var id in productIds)
            ids.Add(new TermQuery(new Lucene.Net.Index.Term(SearchFields.Id, id.ToString(System.Globalization.CultureInfo.InvariantCulture))), Occur.SHOULD);
        var query = new FilteredQuery(built.Query is null ? new MatchAllDocsQuery() : TermLookup.Resolve(built.Query, searcher.IndexReader), new QueryWrapperFilter(ids));
        var count = new TotalHitCountCollector();
        searcher.Search(query, count);
        return count.TotalHits > 0;
    }

    // The text as searched: trimmed, cut to the longest query, without control characters, each run of spaces one.
    // Text with no letter or digit (punctuation, an emoji) has nothing to search for: it is the empty query.
    public static string Normalize(string? text)
    {
        var value = (text ?? "").Trim();
        if (value.Length > SearchQueryBuilder.MaxQueryLength) value = value[..SearchQueryBuilder.MaxQueryLength];
        var sb = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c)) { if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' '); }
            else if (!char.IsControl(c)) sb.Append(c);
        }
        var normalized = sb.ToString().TrimEnd();
        foreach (var c in normalized)
            if (char.IsLetterOrDigit(c)) return normalized;
        return "";
    }

    private static EngineResult Collect(IndexSearcher searcher, Query query, SearchFilters filters, SearchSort sort, int depth, StockSnapshot stock, bool countFacets)
    {
        var collector = new FacetCollector(filters, sort, depth, stock, countFacets);
        try
        {
            searcher.Search(TermLookup.Resolve(query, searcher.IndexReader), collector);
            return new EngineResult
            {
                Total = collector.Total,
                Top = collector.TopDocs(),
                CategoryCounts = countFacets ? collector.CategoryCounts() : [],
                BrandCounts = countFacets ? collector.BrandCounts() : [],
                PriceValues = collector.PriceValues,
                PriceCounts = collector.PriceCounts,
                RatingCounts = collector.RatingCounts,
                InStockCount = collector.InStockCount,
                Matched = collector.Matched,
                Attributes = countFacets ? collector.AttributeCounts(AttributeFacets, ValuesPerAttribute) : [],
            };
        }
        finally
        {
            collector.Release();
        }
    }
}

public sealed record EngineResult
{
    public string Text { get; init; } = "";
    public int Total { get; init; }
    internal List<RankedDoc> Top { get; init; } = [];
    public IReadOnlyList<int> ProductIds => Top.Select(t => t.ProductId).ToList();
    public IReadOnlyList<int> DocIds => Top.Select(t => t.Doc).ToList();
    public Dictionary<int, int> CategoryCounts { get; init; } = [];
    public Dictionary<string, int> BrandCounts { get; init; } = [];
    public IReadOnlyList<PriceRange> PriceValues { get; init; } = [];
    public int[] PriceCounts { get; init; } = [];
    public int[] RatingCounts { get; init; } = [];
    public int InStockCount { get; init; }
    // Every product the text matched, or null when there were too many to keep (see FacetCollector.Matched).
    public int[]? Matched { get; init; }
    internal List<AttributeFacetCounts> Attributes { get; init; } = [];
    public IReadOnlySet<string> HighlightTerms { get; init; } = new HashSet<string>();
    public string? Correction { get; init; }
    public bool Relaxed { get; init; }
}
