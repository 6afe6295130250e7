namespace Bazaar.Search;

// Which products can be bought right now, for the "in stock" facet and filter only: refreshed by each node's
// indexer every few seconds through the Inventory facade (one batched query). The stock a result shows is
// always read from the database for that page, never from here.
public sealed class StockSnapshot
{
    public static StockSnapshot None { get; } = new();

    private volatile HashSet<int> _inStock = [];

    public DateTimeOffset? RefreshedAt { get; private set; }

    public int Count => _inStock.Count;

    // Changes whenever the set of products in stock does (not on a refresh that found the same set).
    public int Version { get; private set; }

    public bool IsInStock(int productId) => _inStock.Contains(productId);

    public void Replace(HashSet<int> inStock, DateTimeOffset at)
    {
        if (!inStock.SetEquals(_inStock))
        {
            _inStock = inStock;
            Version++;
        }
        RefreshedAt = at;
    }
}
