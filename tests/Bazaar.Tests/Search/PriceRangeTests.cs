using Bazaar.Search;

namespace Bazaar.Tests.Search;

// Which prices a price filter takes: the facet's buckets leave out their maximum, a range the shopper typed
// includes it.
public class PriceRangeTests
{
    [Fact]
    public void A_typed_range_includes_its_maximum_and_a_bucket_does_not()
    {
        Assert.True(PriceRange.TryParse("10-40", out var typed));
        Assert.True(typed.Contains(4000));
        Assert.False(typed.Contains(4001));
        Assert.False(typed.Contains(999));
        Assert.True(PriceRange.TryParse("-40", out var upTo));
        Assert.True(upTo.Contains(4000));
        Assert.Equal("Up to $40", ProductSearch.PriceLabel(upTo));
        // The buckets meet at 50: a product at $50.00 is counted in one of them only.
        Assert.False(PriceRange.Buckets[1].Contains(5000));
        Assert.True(PriceRange.Buckets[2].Contains(5000));
        Assert.Equal("Under $25", ProductSearch.PriceLabel(PriceRange.Buckets[0]));
    }
}
