namespace Bazaar.Recommendations;

// A product bought with another: how strongly (Score) and in how many orders (Together).
public readonly record struct Neighbour(int ProductId, double Score, int Together);

// How a pair's co-purchase count becomes a similarity (a = the product shown, b = the neighbour, n = orders with it).
public enum CoPurchaseNormalisation
{
    // together / n_a: P(b | a), "of the orders with a, the share that also had b"; favours popular neighbours.
    Confidence,
    // together / sqrt(n_a * n_b): discounts a neighbour by how common it is.
    Cosine,
    // together / (n_a * n_b) (times a constant): only how much more often than chance.
    Lift,
}

// How often products were bought together, counted over baskets (each order counts each distinct pair once), and
// the ranking of a product's neighbours from those counts. The store keeps the counts in copurchase_* tables; the
// offline evaluation keeps them here in memory; both rank with Rank below, so they recommend the same way.
public sealed class CoPurchaseCounts
{
    // A bulk order of many products says little about which belong together, and costs n^2 pairs.
    public const int MaxBasketProducts = 30;

    // Neighbours seen together fewer times than this are coincidence, not a pattern.
    public const int MinTogether = 2;

    private readonly Dictionary<int, int> _baskets = [];
    private readonly Dictionary<int, Dictionary<int, int>> _pairs = [];

    public IReadOnlyDictionary<int, int> Baskets => _baskets;

    public int PairCount => _pairs.Values.Sum(p => p.Count);

    public void Add(IEnumerable<int> basket)
    {
        var products = basket.Distinct().ToList();
        foreach (var p in products) _baskets[p] = _baskets.GetValueOrDefault(p) + 1;
        if (products.Count > MaxBasketProducts) return;
        foreach (var a in products)
        {
            if (!_pairs.TryGetValue(a, out var row)) _pairs[a] = row = [];
            foreach (var b in products)
                if (a != b) row[b] = row.GetValueOrDefault(b) + 1;
        }
    }

    public int Together(int a, int b) => _pairs.TryGetValue(a, out var row) ? row.GetValueOrDefault(b) : 0;

    public IEnumerable<(int ProductId, int OtherId, int Together)> Pairs() =>
        _pairs.SelectMany(row => row.Value.Select(other => (row.Key, other.Key, other.Value)));

    public IReadOnlyList<Neighbour> Neighbours(int productId, int take, CoPurchaseNormalisation normalisation = StoreNormalisation, int minTogether = MinTogether) =>
        _pairs.TryGetValue(productId, out var row)
            ? Rank(_baskets.GetValueOrDefault(productId), row.Select(o => (o.Key, o.Value, _baskets.GetValueOrDefault(o.Key))), take, normalisation, minTogether)
            : [];

    // The store's choice, measured by recommend-eval (docs/benchmarks.md).
    public const CoPurchaseNormalisation StoreNormalisation = CoPurchaseNormalisation.Cosine;

    public static double Similarity(int together, int baskets, int otherBaskets, CoPurchaseNormalisation normalisation) =>
        baskets == 0 || otherBaskets == 0 ? 0 : normalisation switch
        {
            CoPurchaseNormalisation.Confidence => (double)together / baskets,
            CoPurchaseNormalisation.Lift => 1000.0 * together / ((double)baskets * otherBaskets),
            _ => together / Math.Sqrt((double)baskets * otherBaskets),
        };

    public static IReadOnlyList<Neighbour> Rank(int baskets, IEnumerable<(int OtherId, int Together, int OtherBaskets)> pairs, int take,
        CoPurchaseNormalisation normalisation = StoreNormalisation, int minTogether = MinTogether) =>
        pairs.Where(p => p.Together >= minTogether)
            .Select(p => new Neighbour(p.OtherId, Similarity(p.Together, baskets, p.OtherBaskets, normalisation), p.Together))
            .OrderByDescending(n => n.Score).ThenByDescending(n => n.Together).ThenBy(n => n.ProductId)
            .Take(take)
            .ToList();
}
