using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Recommendations;

public class DemoStore : StoreFactory
{
    public DemoStore() => With("Recommendations:DemoOrdersOnFirstStart", "300");
}

// The first start's simulated history: marked demo everywhere, invisible to the audit's stock and money rules,
// and enough for the shelves to show something.
public class DemoHistoryTests(DemoStore store) : IClassFixture<DemoStore>
{
    [Fact]
    public async Task The_first_start_writes_marked_demo_orders_and_reviews_that_leave_the_audit_clean()
    {
        var (orders, demoOrders, reviews, demoReviews, rated) = await store.WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<BazaarDb>();
            return (await db.Orders.CountAsync(), await db.Orders.CountAsync(o => o.Demo), await db.Reviews.CountAsync(), await db.Reviews.CountAsync(r => r.Demo),
                await db.Products.CountAsync(p => p.RatingCount > 0));
        });

        Assert.Equal((300, 300), (orders, demoOrders));
        Assert.True(reviews > 0);
        Assert.Equal(reviews, demoReviews);
        Assert.True(rated > 0);
        Assert.Empty(await store.FullAuditAsync());
        var shoppers = await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Orders.Select(o => o.ShopperKey).Distinct().ToListAsync());
        Assert.All(shoppers, key => Assert.StartsWith("demo:", key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_demo_history_fills_trending_top_rated_and_also_bought()
    {
        await store.CatchUpAlsoBoughtAsync();
        using var client = store.CreateClient();

        var shelves = (await client.GetFromJsonAsync<JsonElement>("/api/recommendations/home")).EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString()!, s => s.GetProperty("products").GetArrayLength());
        var pairs = await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().CoPurchasePairs.CountAsync());

        Assert.True(shelves["trending"] > 0);
        Assert.True(shelves["top-rated"] > 0);
        Assert.True(pairs > 0);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("simulated demo orders", home, StringComparison.Ordinal);
    }
}
