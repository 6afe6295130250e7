using Bazaar.Recommendations;

namespace Bazaar.Tests.Recommendations;

// The hand-checked order set used here and in AlsoBoughtTests:
//   {A,B} {A,B} {A,C} {A,B,C} {C,D} {C,D}   =>  n: A4 B3 C4 D2;  together: AB3 AC2 BC1 CD2.
public class CoPurchaseCountsTests
{
    private const int A = 1, B = 2, C = 3, D = 4;

    public static CoPurchaseCounts HandChecked()
    {
        var counts = new CoPurchaseCounts();
        foreach (var basket in new[] { new[] { A, B }, [A, B], [A, C], [A, B, C], [C, D], [C, D] }) counts.Add(basket);
        return counts;
    }

    [Fact]
    public void Counts_each_order_once_per_product_and_pair()
    {
        var counts = HandChecked();
        Assert.Equal(new Dictionary<int, int> { [A] = 4, [B] = 3, [C] = 4, [D] = 2 }, counts.Baskets.OrderBy(b => b.Key).ToDictionary());
        Assert.Equal((3, 3, 2, 1, 2, 0), (counts.Together(A, B), counts.Together(B, A), counts.Together(A, C), counts.Together(B, C), counts.Together(C, D), counts.Together(A, D)));
        counts.Add([A, A, B]);
        Assert.Equal((5, 4), (counts.Baskets[A], counts.Together(A, B)));
    }

    [Fact]
    public void Cosine_neighbours_are_exactly_the_hand_computed_ones_and_pairs_seen_once_are_left_out()
    {
        var counts = HandChecked();

        var ofA = counts.Neighbours(A, 10);
        var ofC = counts.Neighbours(C, 10);

        // A: B = 3/sqrt(4*3) = 0.8660, C = 2/sqrt(4*4) = 0.5.  C: D = 2/sqrt(4*2) = 0.7071, A = 0.5; B-C was bought together once only.
        Assert.Equal([B, C], ofA.Select(n => n.ProductId));
        Assert.Equal(0.866025, ofA[0].Score, 6);
        Assert.Equal(0.5, ofA[1].Score, 6);
        Assert.Equal([D, A], ofC.Select(n => n.ProductId));
        Assert.Equal(0.707107, ofC[0].Score, 6);
        Assert.Equal([A], counts.Neighbours(B, 10).Select(n => n.ProductId));
        Assert.DoesNotContain(ofA, n => n.ProductId == A);
    }

    [Fact]
    public void Confidence_favours_the_common_neighbour_and_cosine_discounts_it()
    {
        // 102 is a best-seller (25 orders), 101 is bought only with 100. Of 100's five orders, 102 is in all five and
        // 101 in three: confidence 1 vs 0.6 ranks 102 first; cosine 5/sqrt(5*25) = 0.45 vs 3/sqrt(5*3) = 0.77 ranks 101 first.
        var counts = new CoPurchaseCounts();
        for (var i = 0; i < 3; i++) counts.Add([100, 101, 102]);
        for (var i = 0; i < 2; i++) counts.Add([100, 102]);
        for (var i = 0; i < 20; i++) counts.Add([102, 200 + i]);

        Assert.Equal(102, counts.Neighbours(100, 1, CoPurchaseNormalisation.Confidence)[0].ProductId);
        Assert.Equal(101, counts.Neighbours(100, 1, CoPurchaseNormalisation.Cosine)[0].ProductId);
    }

    [Fact]
    public void A_bulk_order_counts_its_products_but_not_its_pairs()
    {
        var counts = new CoPurchaseCounts();
        counts.Add(Enumerable.Range(1, CoPurchaseCounts.MaxBasketProducts + 1));
        Assert.Equal(CoPurchaseCounts.MaxBasketProducts + 1, counts.Baskets.Count);
        Assert.Equal(0, counts.PairCount);
    }
}
