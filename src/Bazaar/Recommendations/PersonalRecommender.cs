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

// A product and how many orders had it lately: the popularity the blend mixes in.
public readonly record struct Popular(int ProductId, int Orders);

// The blend's knobs. Tuned on the development baskets with two-fold cross-validation over shoppers (see
// docs/benchmarks.md); Popularity is stated relative to the best-seller, so it carries over to other stores.
public sealed record RecommenderWeights(
    double Decay = 0.9,
    double Popularity = 0.5,
    double AlsoBought = 0.1,
    double ViewWeight = 0.5,
    int NeighboursPerProduct = 50);

// The personal ranking: score(j) = rate(j) + AlsoBought * related(j) + Popularity * orders(j) / orders(best-seller),
// where rate(j) is the decayed share of the shopper's baskets that had j (what they buy again) and related(j) the
// weighted mean similarity of j to what they bought and viewed (also bought). A product the shopper buys in more
// than half their baskets outranks the best-seller; one bought once long ago does not. Pure: the store feeds it
// from the database, the offline evaluation from CSV baskets.
public static class PersonalRecommender
{
    public static IReadOnlyList<Recommendation> Recommend(
        ShopperHistory history,
        Func<int, IReadOnlyList<Neighbour>> neighbours,
        IReadOnlyList<Popular> popular,
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

        var related = new Dictionary<int, (double Sum, int From, double Best)>();
        var interestTotal = interest.Values.Sum();
        if (weights.AlsoBought > 0)
        {
            foreach (var (product, weight) in interest)
            {
                foreach (var n in neighbours(product).Take(weights.NeighboursPerProduct))
                {
                    var part = weight * n.Score;
                    var current = related.GetValueOrDefault(n.ProductId);
                    related[n.ProductId] = (current.Sum + part, part > current.Best ? product : current.From, Math.Max(current.Best, part));
                }
            }
        }

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
        foreach (var (product, r) in related) Offer(product, weights.AlsoBought * r.Sum / interestTotal, RecommendationSource.AlsoBought, r.From);
        var best = popular.Count == 0 ? 1 : Math.Max(1, popular.Max(p => p.Orders));
        var orders = new Dictionary<int, int>();
        foreach (var p in popular)
        {
            orders[p.ProductId] = p.Orders;
            Offer(p.ProductId, weights.Popularity * p.Orders / best, RecommendationSource.Trending, null);
        }

        return scores.Values
            .OrderByDescending(r => r.Score).ThenByDescending(r => orders.GetValueOrDefault(r.ProductId)).ThenBy(r => r.ProductId)
            .Take(take).ToList();
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
