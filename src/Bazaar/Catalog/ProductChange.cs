namespace Bazaar.Catalog;

// One row of the catalogue's change feed: "product X (or every product under category Y) changed; re-read it".
// Written in the same transaction as the change itself; ids only grow, so each node's search indexer tails the
// table by id (ChangeFeed). A row carries no product data: the reader reads the product as it is when it applies the
// row, which makes applying a row twice, or two rows out of order, harmless. The table keeps its first name,
// search_changes.
public sealed class ProductChange
{
    public long Id { get; set; }
    public int? ProductId { get; set; }
    public int? CategoryId { get; set; }
    public DateTimeOffset CommittedAt { get; set; }
}

// A feed row as readers see it.
public sealed record ProductChangeRow(long Id, int? ProductId, int? CategoryId, DateTimeOffset CommittedAt);
