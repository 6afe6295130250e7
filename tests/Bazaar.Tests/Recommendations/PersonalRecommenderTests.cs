using Bazaar.Recommendations;

namespace Bazaar.Tests.Recommendations;

public class PersonalRecommenderTests
{
    private static readonly RecommenderWeights Weights = new();
    private static IReadOnlyList<Neighbour> NoNeighbours(int _) => [];

    [Fact]
    public void Buy_again_is_the_decayed_share_of_baskets_with_the_product()
    {
        // Newest first: {1,2}, {1}, {3}. Weights 1, 0.9, 0.81 (total 2.71).
        var history = new ShopperHistory([[1, 2], [1], [3]], []);
        var scores = PersonalRecommender.BuyAgainScores(history, 0.9);
        Assert.Equal(1.9 / 2.71, scores[1], 9);
        Assert.Equal(1 / 2.71, scores[2], 9);
        Assert.Equal(0.81 / 2.71, scores[3], 9);
    }

    [Fact]
    public void A_product_bought_in_most_baskets_outranks_the_best_seller_and_one_bought_once_long_ago_does_not()
    {
        // Newest first. 7 is in five of eight baskets, the recent ones (decayed share 0.72 > the best-seller's 0.5);
        // 9 in the three oldest (0.28), 5 once, long ago (0.08).
        var history = new ShopperHistory([[7], [7], [7], [7, 8], [7], [9], [9], [9, 5]], []);
        Popular[] popular = [new(50, 1000), new(51, 500)];

        var top = PersonalRecommender.Recommend(history, NoNeighbours, popular, 4, Weights).Select(r => r.ProductId).ToList();

        Assert.Equal(7, top[0]);
        Assert.Equal(50, top[1]);
        Assert.Equal(9, top[2]);
        Assert.DoesNotContain(5, top.Take(3));
    }

    [Fact]
    public void A_new_shopper_gets_the_best_sellers_in_order()
    {
        Popular[] popular = [new(50, 1000), new(51, 500), new(52, 10)];
        var top = PersonalRecommender.Recommend(ShopperHistory.Empty, NoNeighbours, popular, 10, Weights);
        Assert.Equal([50, 51, 52], top.Select(r => r.ProductId));
        Assert.All(top, r => Assert.Equal(RecommendationSource.Trending, r.Source));
    }

    [Fact]
    public void A_viewed_product_brings_its_neighbours_and_says_which_product_they_came_from()
    {
        var history = new ShopperHistory([], [10]);
        IReadOnlyList<Neighbour> Neighbours(int id) => id == 10 ? [new Neighbour(11, 0.8, 5), new Neighbour(12, 0.4, 3)] : [];

        var top = PersonalRecommender.Recommend(history, Neighbours, [], 10, Weights);

        Assert.Equal([11, 12], top.Select(r => r.ProductId));
        Assert.All(top, r => Assert.Equal((RecommendationSource.AlsoBought, (int?)10), (r.Source, r.BecauseOf)));
    }

    [Fact]
    public void Excluded_products_never_appear()
    {
        Popular[] popular = [new(50, 1000), new(51, 500)];
        var top = PersonalRecommender.Recommend(new ShopperHistory([[50]], []), NoNeighbours, popular, 10, Weights, exclude: id => id == 50);
        Assert.Equal([51], top.Select(r => r.ProductId));
    }
}
