using System.ComponentModel.DataAnnotations;

namespace Bazaar.Recommendations;

public sealed class RecommendationsOptions
{
    public const string Section = "Recommendations";

    // How often each node looks for new orders to count into "also bought".
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan BuildInterval { get; set; } = TimeSpan.FromSeconds(10);

    // How often the counts are recomputed from every order (dropping cancelled ones and any drift).
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FullRebuildEvery { get; set; } = TimeSpan.FromDays(1);

    // An order is counted once it is this old: a transaction that took an id earlier has surely committed by then.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(30);

    // How long one node serves a product's neighbours, trending and top-rated lists from memory.
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(5);

    // "Trending" counts orders over this window.
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan TrendingWindow { get; set; } = TimeSpan.FromDays(7);

    // Simulated history the embedded first start writes so that a fresh store shows shelves (0 = none).
    [Range(0, 1_000_000)]
    public int DemoOrdersOnFirstStart { get; set; } = 3000;
}
