using Bazaar.Data;

namespace Bazaar.Search;

// What the back office does with search: the index's state and its rebuild, the result cache's figures and the
// synonym rules. The admin page calls this, so it needs neither the database nor the indexer's internals.
public sealed class SearchBackOffice(BazaarDb db, SearchIndexer indexer, SearchSynonyms synonyms, SearchResultCache results)
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
}
