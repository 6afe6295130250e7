namespace Bazaar.Search;

// One row of the change feed: "product X (or every product under category Y) changed; re-read it".
// Written in the same transaction as the change itself; ids only grow, so each node's indexer tails the
// table by id. A row carries no product data: the indexer reads the product as it is when it applies the row,
// which makes applying a row twice, or two rows out of order, harmless.
public sealed class SearchChange
{
    public long Id { get; set; }
    public int? ProductId { get; set; }
    public int? CategoryId { get; set; }
    public DateTimeOffset CommittedAt { get; set; }
}

// One synonym rule in the Solr format: "tv, television" (equivalent) or "telly => television" (one way).
public sealed class SynonymRule
{
    public int Id { get; set; }
    public required string Rule { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
