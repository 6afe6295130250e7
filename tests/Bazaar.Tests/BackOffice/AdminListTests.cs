using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Reviews;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Bazaar.Tests.Recommendations;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.BackOffice;

public class BackOfficeStore : CheckoutStore;

// The back office's lists page, filter and sort on the server, through the admin API and the admin pages.
public class AdminListTests(BackOfficeStore store) : IClassFixture<BackOfficeStore>
{
    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(Relative(path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static List<string> Strings(JsonElement page, string property) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(property).ToString()).ToList();

    [Fact]
    public async Task Products_are_found_by_sku_ean_title_and_brand_and_filtered_by_stock_state()
    {
        var stocked = await store.CreateStockedProductAsync(10);
        var soldOut = await store.CreateStockedProductAsync(0);
        using var admin = await store.CreateAdminClientAsync();

        var bySku = await GetAsync(admin, $"/api/admin/products?q={soldOut.ToLowerInvariant()}");
        var outOfStock = await GetAsync(admin, "/api/admin/products?stock=out-of-stock&pageSize=200");
        var inStock = await GetAsync(admin, "/api/admin/products?stock=in-stock&pageSize=200");
        var byBrand = await GetAsync(admin, "/api/admin/products?q=bazaar&pageSize=200");

        Assert.Equal([soldOut], Strings(bySku, "sku"));
        Assert.Contains(soldOut, Strings(outOfStock, "sku"));
        Assert.DoesNotContain(stocked, Strings(outOfStock, "sku"));
        Assert.Contains(stocked, Strings(inStock, "sku"));
        Assert.DoesNotContain(soldOut, Strings(inStock, "sku"));
        Assert.Contains(stocked, Strings(byBrand, "sku"));
        var sample = (await GetAsync(admin, "/api/admin/products?sort=id&pageSize=1")).GetProperty("items")[0];
        var product = await GetAsync(admin, $"/api/products/{sample.GetProperty("id").GetInt32()}");
        var ean = product.GetProperty("eans")[0].GetString();
        Assert.Contains(sample.GetProperty("sku").GetString(), Strings(await GetAsync(admin, $"/api/admin/products?q={ean}"), "sku"));
    }

    [Fact]
    public async Task Product_pages_follow_one_another_in_the_asked_sort_without_gaps_or_repeats()
    {
        using var admin = await store.CreateAdminClientAsync();
        var all = await GetAsync(admin, "/api/admin/products?sort=-price&pageSize=200");
        var total = all.GetProperty("total").GetInt32();
        var seen = new List<string>();
        for (var page = 1; page <= (total + 6) / 7; page++)
            seen.AddRange(Strings(await GetAsync(admin, $"/api/admin/products?sort=-price&pageSize=7&page={page}"), "id"));

        Assert.Equal(Strings(all, "id"), seen);
        var prices = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.OrderByDescending(p => p), prices);
        Assert.True(total > 30, $"the sample catalogue has {total} products");
    }

    [Theory]
    [InlineData("/api/admin/products?page=0", "page")]
    [InlineData("/api/admin/products?page=abc", "page")]
    [InlineData("/api/admin/products?pageSize=100000", "pageSize")]
    [InlineData("/api/admin/products?sort=colour", "sort")]
    [InlineData("/api/admin/products?stock=plenty", "stock")]
    [InlineData("/api/admin/products?category=999999", "category")]
    [InlineData("/api/admin/stock?sort=-weight", "sort")]
    [InlineData("/api/admin/stock?state=lots", "state")]
    [InlineData("/api/admin/orders?sort=colour", "sort")]
    [InlineData("/api/admin/orders?page=-1", "page")]
    [InlineData("/api/admin/orders?minTotal=abc", "minTotal")]
    [InlineData("/api/admin/reviews?rating=6", "rating")]
    [InlineData("/api/admin/reviews?sort=loudest", "sort")]
    [InlineData("/api/admin/reviews?page=x", "page")]
    [InlineData("/api/admin/customers?sort=shoe-size", "sort")]
    [InlineData("/api/admin/customers?page=0", "page")]
    public async Task Bad_paging_sort_or_filter_input_is_a_400_naming_the_field(string path, string field)
    {
        using var admin = await store.CreateAdminClientAsync();

        await (await admin.GetAsync(Relative(path))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_stock_list_pages_every_sku_and_filters_by_state()
    {
        var low = await store.CreateStockedProductAsync(2);
        var plenty = await store.CreateStockedProductAsync(50);
        using var admin = await store.CreateAdminClientAsync();

        var lows = Strings(await GetAsync(admin, "/api/admin/stock?state=low&pageSize=200"), "sku");
        var bySku = await GetAsync(admin, $"/api/admin/stock?q={plenty}");
        var sorted = await GetAsync(admin, "/api/admin/stock?sort=-available&pageSize=200");

        Assert.Contains(low, lows);
        Assert.DoesNotContain(plenty, lows);
        Assert.Equal([plenty], Strings(bySku, "sku"));
        var available = sorted.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("available").GetInt32()).ToList();
        Assert.Equal(available.OrderByDescending(a => a), available);
        Assert.Equal(sorted.GetProperty("total").GetInt32(), available.Count);
    }

    [Fact]
    public async Task Orders_sort_by_total_and_filter_by_total_and_pages_keep_the_filters()
    {
        var sku = await store.CreateStockedProductAsync(20);
        var ids = new List<long>();
        foreach (var units in new[] { 1, 3, 2 })
        {
            using var shopper = await store.ShopperWithCartAsync(sku, units);
            ids.Add(await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body(email: $"sorter-{sku}@tests.local"))));
        }
        using var admin = await store.CreateAdminClientAsync();

        var byTotal = await GetAsync(admin, $"/api/admin/orders?customer=sorter-{sku}&sort=-total&pageSize=2");
        var second = await GetAsync(admin, $"/api/admin/orders?customer=sorter-{sku}&sort=-total&pageSize=2&page=2");
        var cheap = await GetAsync(admin, $"/api/admin/orders?customer=sorter-{sku}&maxTotal={CheckoutScenario.TotalFor(2)}");

        Assert.Equal([ids[1], ids[2]], byTotal.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()));
        Assert.Equal([ids[0]], second.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()));
        Assert.Equal(3, second.GetProperty("total").GetInt32());
        Assert.Equal([ids[2], ids[0]], cheap.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()));

        var html = await admin.GetStringAsync(Relative($"/admin/orders?customer=sorter-{sku}&sort=-total&pageSize=2"));
        Assert.Contains($"page=2", html, StringComparison.Ordinal);
        Assert.Contains($"customer=sorter-{sku}", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moderation_reaches_every_review_not_only_the_newest_200()
    {
        var product = (await store.CreateProductsAsync(1, units: 5))[0].Id;
        var start = DateTimeOffset.UtcNow.AddDays(-300);
        var demo = Enumerable.Range(0, 230).Select(i => new DemoReview(product, $"u:reviewer-{product}-{i}", $"Reviewer {i}", 1 + (i % 5),
            $"Review {i}", "Body", start.AddHours(i))).ToList();
        await store.WithAsync(sp => sp.GetRequiredService<Bazaar.Reviews.Reviews>().ImportDemoAsync(demo));
        using var admin = await store.CreateAdminClientAsync();

        var seen = new HashSet<long>();
        for (var page = 1; page <= 3; page++)
            foreach (var id in Strings(await GetAsync(admin, $"/api/admin/reviews?product={product}&pageSize=100&page={page}"), "id"))
                Assert.True(seen.Add(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)), $"review {id} came twice");
        var ones = await GetAsync(admin, $"/api/admin/reviews?product={product}&rating=1&pageSize=100");

        Assert.Equal(230, seen.Count);
        Assert.Equal(46, ones.GetProperty("total").GetInt32());
        Assert.All(ones.GetProperty("items").EnumerateArray(), r => Assert.Equal(1, r.GetProperty("rating").GetInt32()));
        var oldest = seen.Min();
        var lastPage = await admin.GetStringAsync(Relative($"/admin/reviews?product={product}&sort=newest&page=10"));
        Assert.Contains($"data-review-id=\"{oldest}\"", lastPage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/products?page=abc&sort=colour", "sort")]
    [InlineData("/admin/orders?sort=colour", "sort")]
    [InlineData("/admin/reviews?rating=9", "rating")]
    [InlineData("/admin/stock?state=lots", "state")]
    [InlineData("/admin/customers?page=0", "page")]
    public async Task A_page_given_bad_list_input_says_what_is_wrong_and_shows_the_first_page(string path, string field)
    {
        using var admin = await store.CreateAdminClientAsync();

        var response = await admin.GetAsync(Relative(path));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-list-problem", html, StringComparison.Ordinal);
        Assert.Contains($"data-field=\"{field}\"", html, StringComparison.Ordinal);
    }
}
