using System.Net.Http.Json;
using Bazaar.Search;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Search;

// The node's result cache answers repeated searches, keeps an entry across a change only when the change does
// not touch it, and the stock each hit shows is read from the database on every request, cached or not.
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
    public async Task A_product_change_keeps_the_searches_that_do_not_match_the_product_and_ranks_the_others_again()
    {
        await store.WaitForIndexAsync(freshStock: true);
        using var admin = await store.CreateAdminClientAsync();
        using var client = store.CreateClient();
        var (mine, other) = (Word(), Word());
        var id = await admin.CreateProductAsync($"Cache test {mine} bracket", price: 12.50m);
        var otherId = await admin.CreateProductAsync($"Cache test {other} bracket");
        await store.WaitForIndexAsync();
        var query = "q=" + mine;
        Assert.Equal([id], (await client.SearchAsync(query)).Ids());

        // Another product changes: the entry is checked against the change and answers.
        await UpdateAsync(admin, otherId, $"Cache test {other} bracket, renamed", 5.00m);
        await store.WaitForIndexAsync();
        var (hits, kept) = (Cache.Hits, Cache.KeptAcrossChanges);
        var again = await client.SearchAsync(query);
        Assert.Equal((hits + 1, kept + 1), (Cache.Hits, Cache.KeptAcrossChanges));
        Assert.Equal([id], again.Ids());

        // The product it shows changes: ranked again, with the new price.
        await UpdateAsync(admin, id, $"Cache test {mine} bracket", 7.25m);
        await store.WaitForIndexAsync();
        (hits, kept) = (Cache.Hits, Cache.KeptAcrossChanges);
        var changed = await client.SearchAsync(query);
        Assert.Equal((hits, kept), (Cache.Hits, Cache.KeptAcrossChanges));
        Assert.Equal(7.25m, changed.GetProperty("items")[0].GetProperty("price").GetDecimal());

        // Another product now matches it: ranked again, and found.
        await UpdateAsync(admin, otherId, $"Cache test {mine} bracket, second", 5.00m);
        await store.WaitForIndexAsync();
        hits = Cache.Hits;
        var both = await client.SearchAsync(query);
        Assert.Equal(hits, Cache.Hits);
        Assert.Equal([id, otherId], both.Ids().Order());

        // It stops matching: ranked again, and gone.
        await UpdateAsync(admin, otherId, $"Cache test {other} bracket, third", 5.00m);
        await store.WaitForIndexAsync();
        hits = Cache.Hits;
        var one = await client.SearchAsync(query);
        Assert.Equal(hits, Cache.Hits);
        Assert.Equal([id], one.Ids());
    }

    [Fact]
    public async Task A_stock_flip_keeps_the_searches_that_do_not_match_the_product_and_recounts_the_others()
    {
        await store.WaitForIndexAsync();
        var mine = await store.CreateStockedProductAsync(units: 3);
        var other = await store.CreateStockedProductAsync(units: 3);
        using var admin = await store.CreateAdminClientAsync();
        using var client = store.CreateClient();
        // A word of its own, so that the search matches this product only.
        var word = Word();
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var id = await scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(mine);
            await UpdateAsync(admin, id!.Value, $"Cache stock {word} lamp", 9.99m);
        }
        await store.WaitForIndexAsync(freshStock: true);
        var query = "q=" + word;
        Assert.Equal(1, InStockCount(await client.SearchAsync(query)));

        // Another product sells out: the entry still answers.
        (await admin.PostAsJsonAsync($"/api/admin/stock/{other}/adjust", new { onHand = 0, reason = "stock count" })).EnsureSuccessStatusCode();
        await store.WaitForIndexAsync(freshStock: true);
        var (hits, kept) = (Cache.Hits, Cache.KeptAcrossChanges);
        Assert.Equal(1, InStockCount(await client.SearchAsync(query)));
        Assert.Equal((hits + 1, kept + 1), (Cache.Hits, Cache.KeptAcrossChanges));

        // This one sells out: counted again.
        (await admin.PostAsJsonAsync($"/api/admin/stock/{mine}/adjust", new { onHand = 0, reason = "stock count" })).EnsureSuccessStatusCode();
        await store.WaitForIndexAsync(freshStock: true);
        hits = Cache.Hits;
        Assert.Equal(0, InStockCount(await client.SearchAsync(query)));
        Assert.Equal(hits, Cache.Hits);
    }

    private static int InStockCount(System.Text.Json.JsonElement result) =>
        result.GetProperty("facets").GetProperty("inStock").GetProperty("count").GetInt32();

    private static async Task UpdateAsync(HttpClient admin, int id, string title, decimal price)
    {
        var product = await admin.GetFromJsonAsync<Bazaar.Catalog.ProductDetails>($"/api/products/{id}");
        var update = await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
        {
            sku = product!.Sku, title, brand = product.Brand, price, categoryId = product.CategoryPath[^1].Id,
        });
        Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
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
