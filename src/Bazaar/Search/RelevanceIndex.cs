using System.Globalization;
using Bazaar.Catalog;
using Lucene.Net.Search;

namespace Bazaar.Search;

// The store's search over bare titles, for the relevance harness (`Bazaar.Bench relevance`): the same
// analyzer, query builder, similarity and collector as a storefront search, on an index of its own.
public sealed class RelevanceIndex : IDisposable
{
    private readonly SearchIndex _index;
    private readonly SynonymSet _synonyms;
    private readonly RankingOptions _ranking;

    private RelevanceIndex(SearchIndex index, SynonymSet synonyms, RankingOptions ranking)
    {
        _index = index;
        _synonyms = synonyms;
        _ranking = ranking;
    }

    // `ranking` overrides weights for experiments ("K1=1.0;B=0.5"); null keeps the store's.
    public static RelevanceIndex Build(int[] ids, string[] titles, string directory, string? ranking) =>
        // Read as the catalogue import reads a supplier's text ("Briggs &amp; Stratton" is "Briggs & Stratton").
        Build(ids.Select((id, k) => SearchDocument.FromTitle(id, ProductText.LineFromHtml(titles[k]))), directory, ranking);

    // Whole products (title, brand, category path, attributes, description), as the store indexes them.
    public static RelevanceIndex Build(IEnumerable<ProductDetails> products, string directory, string? ranking) =>
        Build(products.Select(ProductSource.ToDocument), directory, ranking);

    private static RelevanceIndex Build(IEnumerable<SearchDocument> documents, string directory, string? ranking)
    {
        var options = Parse(ranking);
        var index = new SearchIndex(directory, options);
        using (var build = index.BeginBuild())
        {
            build.Add(documents);
            build.Publish(0);
        }
        index.OpenPublished();
        return new RelevanceIndex(index, SynonymSet.Parse(new SearchOptions().Synonyms), options);
    }

    public int[] Search(string query, int take) => Search(query, take, null);

    // With other weights than the index was built with (a sweep over one index): everything in RankingOptions is
    // read at search time, the similarity's too.
    public int[] Search(string query, int take, RankingOptions? ranking) => [.. Run(query, take, ranking).ProductIds];

    // Ids and scores, for offline analysis.
    public (int Id, float Score)[] SearchScored(string query, int take) => [.. Run(query, take, null).Top.Select(t => (t.ProductId, t.Score))];

    private EngineResult Run(string query, int take, RankingOptions? ranking)
    {
        using var lease = _index.Acquire();
        var searcher = ranking is null ? lease.Searcher : new IndexSearcher(lease.Searcher.IndexReader) { Similarity = new ProductSimilarity(ranking) };
        return SearchEngine.Run(searcher, _synonyms, ranking ?? _ranking, query, new SearchFilters(), SearchSort.Relevance, take, StockSnapshot.None, countFacets: false);
    }

    public static RankingOptions Parse(string? overrides)
    {
        var options = RankingOptions.Default;
        if (string.IsNullOrWhiteSpace(overrides)) return options;
        foreach (var pair in overrides.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ArgumentException($"A ranking option is written name=value, not '{pair}'.");
            var (name, value) = (pair[..equals], pair[(equals + 1)..]);
            var property = typeof(RankingOptions).GetProperty(name) ?? throw new ArgumentException($"No ranking option '{name}'.");
            var typed = Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture);
            var copy = options with { };
            property.SetValue(copy, typed);
            options = copy;
        }
        return options;
    }

    public void Dispose() => _index.Dispose();
}
