namespace Bazaar.Recommendations;

public enum RecommendationSource
{
    BuyAgain,
    AlsoBought,
    Trending,
}

// A recommended product, why it is there, and (for AlsoBought) the product of the shopper's it came from.
public sealed record Recommendation(int ProductId, double Score, RecommendationSource Source, int? BecauseOf);

// What the store knows of a shopper: their orders as baskets, newest first, and the products they viewed lately.
public sealed record ShopperHistory(IReadOnlyList<IReadOnlyList<int>> BasketsNewestFirst, IReadOnlyList<int> ViewsNewestFirst)
{
    public static readonly ShopperHistory Empty = new([], []);

    public bool IsEmpty => BasketsNewestFirst.Count == 0 && ViewsNewestFirst.Count == 0;
}

// The blend's knobs; the defaults were tuned on the development baskets (docs/benchmarks.md).
public sealed record RecommenderWeights(
    double Decay = 0.9,
    double AlsoBought = 0.3,
    double ViewWeight = 0.5,
    double Trending = 0.01,
    int NeighboursPerProduct = 20);

// The personal home page's ranking: what the shopper buys again (their own purchase frequency, recent baskets
// weighing more), what is bought with what they bought or viewed (also bought), and trending products to fill the
// rest. Pure: the store feeds it from the database, the offline evaluation from CSV baskets.
public static class PersonalRecommender
{
    public static IReadOnlyList<Recommendation> Recommend(
        ShopperHistory history,
        Func<int, IReadOnlyList<Neighbour>> neighbours,
        IReadOnlyList<int> trending,
        int take,
        RecommenderWeights weights,
        Func<int, bool>? exclude = null)
    {
        var own = BuyAgainScores(history, weights.Decay);
        var interest = new Dictionary<int, double>(own);
        for (var rank = 0; rank < history.ViewsNewestFirst.Count; rank++)
        {
            var product = history.ViewsNewestFirst[rank];
            interest[product] = interest.GetValueOrDefault(product) + weights.ViewWeight * Math.Pow(weights.Decay, rank);
        }

        var related = new Dictionary<int, (double Score, int From, double Best)>();
        foreach (var (product, weight) in interest)
        {
            foreach (var n in neighbours(product).Take(weights.NeighboursPerProduct))
            {
                var contribution = weight * n.Score;
                var current = related.GetValueOrDefault(n.ProductId);
                related[n.ProductId] = (current.Score + contribution, contribution > current.Best ? product : current.From, Math.Max(current.Best, contribution));
            }
        }
        var maxRelated = related.Count == 0 ? 1 : related.Values.Max(r => r.Score);

        // Each product's score is the sum of its parts; it is shown for the part that gave the most.
        var scores = new Dictionary<int, Recommendation>();
        void Offer(int product, double score, RecommendationSource source, int? because)
        {
            if (score <= 0 || exclude?.Invoke(product) == true) return;
            if (!scores.TryGetValue(product, out var existing))
            {
                scores[product] = new Recommendation(product, score, source, because);
                return;
            }
            var largest = existing.Score >= score ? existing : new Recommendation(product, score, source, because);
            scores[product] = largest with { Score = existing.Score + score };
        }

        foreach (var (product, score) in own) Offer(product, score, RecommendationSource.BuyAgain, null);
        foreach (var (product, r) in related) Offer(product, weights.AlsoBought * r.Score / maxRelated, RecommendationSource.AlsoBought, r.From);
        for (var rank = 0; rank < trending.Count; rank++)
            Offer(trending[rank], weights.Trending * (1 - (double)rank / trending.Count), RecommendationSource.Trending, null);

        return scores.Values.OrderByDescending(r => r.Score).ThenBy(r => r.ProductId).Take(take).ToList();
    }

    // The shopper's own purchase frequency, each basket weighing Decay^age (age 0 = the latest), as a share of the
    // total weight: 1 for a product in every basket, near 0 for one bought once long ago.
    public static IReadOnlyDictionary<int, double> BuyAgainScores(ShopperHistory history, double decay)
    {
        var scores = new Dictionary<int, double>();
        var total = 0.0;
        for (var age = 0; age < history.BasketsNewestFirst.Count; age++)
        {
            var weight = Math.Pow(decay, age);
            total += weight;
            foreach (var product in history.BasketsNewestFirst[age].Distinct()) scores[product] = scores.GetValueOrDefault(product) + weight;
        }
        return total == 0 ? scores : scores.ToDictionary(s => s.Key, s => s.Value / total);
    }
}
