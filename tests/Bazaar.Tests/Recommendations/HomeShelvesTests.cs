using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Checkout;

namespace Bazaar.Tests.Recommendations;

public class HomeShelvesTests(RecommendationStore store) : IClassFixture<RecommendationStore>
{
    private static async Task<List<(string Key, string Title, int[] Ids)>> ShelvesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/recommendations/home")).EnumerateArray()
            .Select(s => (s.GetProperty("key").GetString()!, s.GetProperty("title").GetString()!,
                s.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToArray()))
            .ToList();

    [Fact]
    public async Task A_new_shopper_sees_trending_and_top_rated_each_with_its_reason()
    {
        var p = await store.CreateProductsAsync(3);
        // More orders than any product of the class's other test gets (three at most).
        for (var i = 0; i < 5; i++) await store.PlaceOrderAsync(null, p[0].Sku);
        for (var i = 0; i < 4; i++) await store.PlaceOrderAsync(null, p[1].Sku);
        foreach (var rating in new[] { 5, 5 })
        {
            using var reviewer = await store.CreateCustomerClientAsync();
            (await reviewer.PutAsJsonAsync($"/api/products/{p[2].Id}/reviews/mine", new { rating, title = "Great", body = "Really great." })).EnsureSuccessStatusCode();
        }
        using var newcomer = store.CreateClient();

        var shelves = await ShelvesAsync(newcomer);

        Assert.Equal(["trending", "top-rated"], shelves.Select(s => s.Key));
        Assert.Equal([p[0].Id, p[1].Id], shelves[0].Ids.Take(2));
        Assert.Equal(p[2].Id, shelves[1].Ids[0]);
        var home = await newcomer.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("Trending now", home, StringComparison.Ordinal);
        Assert.Contains("Rated highest by shoppers", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shopper_with_history_sees_their_own_products_what_goes_with_them_and_what_goes_with_their_last_view()
    {
        var p = await store.CreateProductsAsync(4);
        for (var i = 0; i < 2; i++)
        {
            await store.PlaceOrderAsync(null, p[0].Sku, p[1].Sku);
            await store.PlaceOrderAsync(null, p[2].Sku, p[3].Sku);
        }
        using var shopper = await store.CreateCustomerClientAsync();
        await store.PlaceOrderAsync(shopper, p[0].Sku);
        (await shopper.PostAsJsonAsync("/api/recently-viewed", new { productId = p[2].Id })).EnsureSuccessStatusCode();
        await store.CatchUpAlsoBoughtAsync();

        var shelves = await ShelvesAsync(shopper);

        Assert.Equal(["for-you", "because-viewed", "trending"], shelves.Select(s => s.Key));
        var forYou = shelves[0].Ids;
        Assert.Equal(p[0].Id, forYou[0]);
        Assert.Contains(p[1].Id, forYou);
        // p[3] goes with the last view: the more specific shelf keeps it, and no shelf repeats another's product.
        Assert.DoesNotContain(p[3].Id, forYou);
        var onShelves = shelves.SelectMany(s => s.Ids).ToList();
        Assert.Equal(onShelves.Count, onShelves.Distinct().Count());
        var becauseViewed = shelves[1];
        var viewedTitle = (await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{p[2].Id}")).GetProperty("title").GetString();
        Assert.Equal($"Because you viewed {viewedTitle}", becauseViewed.Title);
        Assert.Equal([p[3].Id], becauseViewed.Ids);

        var home = await shopper.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("Recommended for you", home, StringComparison.Ordinal);
        Assert.Contains("Your recently viewed items", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_little_history_no_product_is_on_two_rows_of_the_home_page_and_for_you_is_not_trending_again()
    {
        var p = await store.CreateProductsAsync(4);
        for (var i = 0; i < 6; i++) await store.PlaceOrderAsync(null, p[0].Sku, p[1].Sku);
        for (var i = 0; i < 6; i++) await store.PlaceOrderAsync(null, p[2].Sku);
        await store.CatchUpAlsoBoughtAsync();
        using var shopper = await store.CreateCustomerClientAsync();
        (await shopper.PostAsJsonAsync("/api/recently-viewed", new { productId = p[0].Id })).EnsureSuccessStatusCode();

        var shelves = await ShelvesAsync(shopper);

        var onShelves = shelves.SelectMany(s => s.Ids).ToList();
        Assert.Equal(onShelves.Count, onShelves.Distinct().Count());
        var trending = shelves.Where(s => s.Key == "trending").SelectMany(s => s.Ids).ToList();
        Assert.Contains(p[2].Id, trending);
        foreach (var personal in shelves.Where(s => s.Key != "trending"))
            Assert.DoesNotContain(p[2].Id, personal.Ids);

        // The page as a whole: recently viewed, the shelves and new arrivals show each product once.
        var home = await shopper.GetStringAsync(new Uri("/", UriKind.Relative));
        var rows = Regex.Matches(home, @"<section[^>]*data-shelf=""([^""]+)""(.*?)</section>|<section[^>]*aria-labelledby=""new-heading""(.*?)</section>",
            RegexOptions.Singleline);
        Assert.Contains(rows, r => r.Groups[1].Value == "recently-viewed");
        var links = rows.SelectMany(r => Regex.Matches(r.Value, @"<a[^>]*href=""(/p/[^""?]+)""").Select(m => m.Groups[1].Value).Distinct())
            .ToList();
        var repeated = links.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "On more than one row: " + string.Join(", ", repeated));
    }
}
