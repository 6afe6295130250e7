using System.Net.Http.Json;
using Bazaar.Search;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Search;

// The node's result cache answers repeated searches, but never with anything older than the index, and the
// stock each hit shows is read from the database on every request, cached or not.
public class SearchResultCacheTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private SearchResultCache Cache => store.Services.GetRequiredService<SearchResultCache>();

    private static string Word() => "zr" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    [Fact]
    public async Task A_repeated_search_is_a_cache_hit_that_still_shows_current_stock()
    {
        await store.WaitForIndexAsync();
        var sku = await store.CreateStockedProductAsync(units: 40);
        // The new product in stock changes the in-stock snapshot, which empties the cache: wait for it first.
        await store.WaitForIndexAsync(freshStock: true);
        using var client = store.CreateClient();
        var query = "q=" + Uri.EscapeDataString(sku) + "&pageSize=5";

        var first = await client.SearchAsync(query);
        Assert.Equal(40, Available(first, sku));

        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/adjust", new { onHand = 25, reason = "stock count" })).EnsureSuccessStatusCode();

        var hits = Cache.Hits;
        var second = await client.SearchAsync(query);
        Assert.True(Cache.Hits > hits, "the repeated search was ranked again instead of answered from the cache");
        Assert.Equal(25, Available(second, sku));
    }

    private static int Available(System.Text.Json.JsonElement result, string sku) => result.GetProperty("items").EnumerateArray()
        .Single(i => i.GetProperty("sku").GetString() == sku).GetProperty("stock").GetProperty("available").GetInt32();

    [Fact]
    public async Task A_cached_search_sees_a_product_change_once_the_index_has_it()
    {
        await store.WaitForIndexAsync();
        using var admin = await store.CreateAdminClientAsync();
        using var client = store.CreateClient();
        var word = Word();
        var query = "q=" + word;
        Assert.Equal(0, (await client.SearchAsync(query)).GetProperty("total").GetInt32());
        Assert.Equal(0, (await client.SearchAsync(query)).GetProperty("total").GetInt32());

        var id = await admin.CreateProductAsync($"Cache test {word} adapter");
        await store.WaitForIndexAsync();
        var found = await client.SearchAsync(query);
        Assert.Equal([id], found.Ids());
    }

    [Fact]
    public async Task Searches_that_differ_only_in_letter_case_or_spacing_share_an_entry_and_keep_their_own_text()
    {
        await store.WaitForIndexAsync(freshStock: true);
        using var client = store.CreateClient();
        var first = await client.SearchAsync("pageSize=7&q=" + Uri.EscapeDataString(" USB  Cable "));
        var hits = Cache.Hits;
        var second = await client.SearchAsync("pageSize=7&q=" + Uri.EscapeDataString("usb cable"));

        Assert.True(Cache.Hits > hits, "the same search in other letters was ranked again instead of answered from the cache");
        Assert.NotEmpty(first.Ids());
        Assert.Equal(first.Ids(), second.Ids());
        Assert.Equal("USB Cable", first.GetProperty("query").GetString());
        Assert.Equal("usb cable", second.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Searches_that_differ_only_in_a_filter_page_or_sort_are_not_confused()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var all = await client.SearchAsync("q=cable&pageSize=5");
        var brand = all.GetProperty("facets").GetProperty("brands")[0].GetProperty("value").GetString()!;
        var branded = await client.SearchAsync("q=cable&pageSize=5&brand=" + Uri.EscapeDataString(brand));
        var secondPage = await client.SearchAsync("q=cable&pageSize=5&page=2");
        var cheapest = await client.SearchAsync("q=cable&pageSize=5&sort=price-asc");

        Assert.True(branded.GetProperty("total").GetInt32() < all.GetProperty("total").GetInt32());
        Assert.All(branded.GetProperty("items").EnumerateArray(), i => Assert.Equal(brand, i.GetProperty("brand").GetString()));
        Assert.Empty(all.Ids().Intersect(secondPage.Ids()));
        var prices = cheapest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);
        // Asked again, each gives the same answer as the first time.
        Assert.Equal(branded.Ids(), (await client.SearchAsync("q=cable&pageSize=5&brand=" + Uri.EscapeDataString(brand))).Ids());
        Assert.Equal(secondPage.Ids(), (await client.SearchAsync("q=cable&pageSize=5&page=2")).Ids());
        Assert.Equal(all.Ids(), (await client.SearchAsync("q=cable&pageSize=5")).Ids());
    }

    [Fact]
    public async Task Background_refreshes_that_change_nothing_keep_the_cache()
    {
        // Synonyms and the in-stock snapshot re-read every 100 ms: each re-read finds what it had.
        await using var quick = new StoreFactory().With("Search:SynonymRefreshInterval", "00:00:00.100").With("Search:StockRefreshInterval", "00:00:00.100");
        await quick.InitializeAsync();
        await quick.WaitForIndexAsync(freshStock: true);
        using var client = quick.CreateClient();
        var results = quick.Services.GetRequiredService<SearchResultCache>();
        await client.SearchAsync("q=cable&brand=Testbrand");

        await Task.Delay(TimeSpan.FromSeconds(1));
        var hits = results.Hits;
        await client.SearchAsync("q=cable&brand=Testbrand");
        Assert.Equal(hits + 1, results.Hits);
    }
}
