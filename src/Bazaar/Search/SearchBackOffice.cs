using Bazaar.Data;

namespace Bazaar.Search;

// What the back office does with search: the index's state and its rebuild, the result cache's figures, the synonym
// rules and the analytics report. The admin pages call this, so they need neither the database nor the internals.
public sealed class SearchBackOffice(
    BazaarDb db, SearchIndexer indexer, SearchSynonyms synonyms, SearchResultCache results, SearchAnalytics analytics)
{
    public Task<SearchIndexStatus> GetStatusAsync(CancellationToken ct = default) => indexer.GetStatusAsync(db, ct);

    public void RequestRebuild() => indexer.RequestRebuild();

    public bool ResultCacheEnabled => results.Enabled;

    public long ResultCacheHits => results.Hits;

    public long ResultCacheMisses => results.Misses;

    // The rules from configuration (Search:Synonyms); the ones added here are ListSynonymsAsync's.
    public IReadOnlyList<string> ConfiguredSynonyms => synonyms.Configured;

    public Task<IReadOnlyList<SynonymRuleView>> ListSynonymsAsync(CancellationToken ct = default) => synonyms.ListAsync(db, ct);

    public Task<SynonymRuleView> AddSynonymAsync(string rule, CancellationToken ct = default) => synonyms.AddAsync(db, rule, ct);

    public Task RemoveSynonymAsync(int id, CancellationToken ct = default) => synonyms.RemoveAsync(db, id, ct);

    public Task<SearchAnalyticsReport> AnalyticsReportAsync(DateOnly from, DateOnly to, CancellationToken ct = default) =>
        analytics.ReportAsync(db, from, to, ct);
}
