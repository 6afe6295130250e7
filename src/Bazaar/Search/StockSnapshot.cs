namespace Bazaar.Search;

// Which products can be bought right now, for the "in stock" facet and filter only: refreshed by each node's
// indexer every few seconds through the Inventory facade (one batched query). The stock a result shows is
// always read from the database for that page, never from here.
public sealed class StockSnapshot
{
    public static StockSnapshot None { get; } = new();

    // The products that flipped at each of the last versions, for SearchResultCache.
    private const int Remembered = 256;
    private readonly Queue<(int Version, int[] Products)> _flips = new();

    private volatile HashSet<int> _inStock = [];

    public DateTimeOffset? RefreshedAt { get; private set; }

    public int Count => _inStock.Count;

    // Changes whenever the set of products in stock does (not on a refresh that found the same set).
    public int Version { get; private set; }

    public bool IsInStock(int productId) => _inStock.Contains(productId);

    // The set as it is now (replaced whole on every change, never changed in place): per-segment flags made
    // from it stay valid while it is the current one (see SegmentTerms.InStock).
    internal HashSet<int> Current => _inStock;

    public void Replace(HashSet<int> inStock, DateTimeOffset at)
    {
        lock (_flips)
        {
            if (!inStock.SetEquals(_inStock))
            {
                var flipped = new HashSet<int>(inStock);
                flipped.SymmetricExceptWith(_inStock);
                _inStock = inStock;
                Version++;
                _flips.Enqueue((Version, [.. flipped]));
                if (_flips.Count > Remembered) _flips.Dequeue();
            }
            RefreshedAt = at;
        }
    }

    // The products that went in or out of stock between two versions, or null when that is no longer remembered.
    public HashSet<int>? FlippedBetween(int from, int to)
    {
        var flipped = new HashSet<int>();
        if (from == to) return flipped;
        if (from > to) return null;
        lock (_flips)
        {
            if (_flips.Count == 0 || _flips.Peek().Version > from + 1) return null;
            foreach (var (version, products) in _flips)
                if (version > from && version <= to) flipped.UnionWith(products);
        }
        return flipped;
    }
}
