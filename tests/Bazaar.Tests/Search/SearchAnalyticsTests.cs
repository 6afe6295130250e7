using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Search;

// Search analytics through the real host: searches on the page and the API, a result opened from the search page and
// added to the cart from its product page, each counted for the search that showed it, and shown to the admin.
public partial class SearchAnalyticsTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [GeneratedRegex("href=\"(/p/[^\"?]+\\?sq=([0-9a-f]{16})&amp;sp=1)\"")]
    private static partial Regex FirstResultLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Fact]
    public async Task Searches_opens_and_cart_adds_are_counted_for_their_search_and_shown_to_the_admin()
    {
        await store.WaitForIndexAsync();
        using var shopper = store.CreateClient();
        using var other = store.CreateClient();

        // The in-stock filter below reads the index's stock snapshot, which each node takes in the background after
        // it starts; searched before it, "toner, in stock" found nothing and was listed as a search without results.
        using (var watcher = await store.CreateAdminClientAsync())
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await watcher.GetFromJsonAsync<JsonElement>("/api/admin/search/status"))
                   .GetProperty("stockRefreshedAt").ValueKind == JsonValueKind.Null)
            {
                Assert.True(DateTime.UtcNow < deadline, "The search index never took its stock snapshot.");
                await Task.Delay(100);
            }
        }

        // The same search typed two ways by one shopper, once by another, once paged on (not a new search).
        var page = await shopper.GetStringAsync(new Uri("/search?q=Toner", UriKind.Relative));
        await shopper.GetStringAsync(new Uri("/search?q=toner%20%20", UriKind.Relative));
        await other.GetStringAsync(new Uri("/api/search?q=toner", UriKind.Relative));
        await other.GetStringAsync(new Uri("/api/search?q=toner&page=2", UriKind.Relative));
        // The same words with a filter are a search of their own; a search that finds nothing is listed as such.
        await other.GetStringAsync(new Uri("/api/search?q=toner&inStock=true", UriKind.Relative));
        var nothing = await other.GetFromJsonAsync<JsonElement>("/api/search?q=qqzzvv");
        Assert.Equal(0, nothing.GetProperty("total").GetInt32());

        // The shopper opens the first result and adds it to the cart from its page.
        var link = FirstResultLink().Match(page);
        Assert.True(link.Success, "The search page's first result does not link with its search and place.");
        var productPath = WebUtility.HtmlDecode(link.Groups[1].Value);
        var searchId = link.Groups[2].Value;
        var product = await shopper.GetStringAsync(new Uri(productPath, UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "add-to-cart",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(product).Groups[1].Value),
            ["Quantity"] = "1",
        });
        var added = await shopper.PostAsync(new Uri(productPath, UriKind.Relative), form);
        Assert.True(added.IsSuccessStatusCode, $"{(int)added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        Assert.EndsWith("/cart", added.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        var api = await shopper.GetFromJsonAsync<JsonElement>("/api/search?q=toner");
        Assert.Equal(searchId, api.GetProperty("searchId").GetString());

        using var admin = await store.CreateAdminClientAsync();
        var report = await admin.GetFromJsonAsync<JsonElement>("/api/admin/search/analytics");
        var top = report.GetProperty("top").EnumerateArray().Single(t => t.GetProperty("query").GetString() == "toner");
        // Page: "Toner", "toner  "; API: "toner", "toner" (the shopper's check above), "toner" + in stock.
        Assert.Equal(5, top.GetProperty("searches").GetInt64());
        Assert.Equal(2, top.GetProperty("shoppers").GetInt64());
        var clicks = report.GetProperty("clickThrough").EnumerateArray().Single(t => t.GetProperty("query").GetString() == "toner");
        Assert.Equal(1, clicks.GetProperty("opens").GetInt64());
        Assert.Equal(1, clicks.GetProperty("cartAdds").GetInt64());
        Assert.Equal(1.0, clicks.GetProperty("meanOpenedPosition").GetDouble());
        Assert.Equal(0.2, clicks.GetProperty("opensPerSearch").GetDouble());
        var none = Assert.Single(report.GetProperty("noResults").EnumerateArray());
        Assert.Equal("qqzzvv", none.GetProperty("query").GetString());
        Assert.Equal(1, none.GetProperty("searches").GetInt64());
        Assert.Equal(1, report.GetProperty("noResultSearches").GetInt64());

        var html = await admin.GetStringAsync(new Uri("/admin/search/analytics", UriKind.Relative));
        Assert.Contains(">toner</a></td><td>5</td><td>2</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>qqzzvv</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>toner</td><td>5</td><td>1</td>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-12-07&to=2026-12-01", "from")]
    [InlineData("from=2020-01-01&to=2026-12-01", "to")]
    public async Task A_bad_period_is_a_400_naming_what_is_wrong(string query, string field)
    {
        using var admin = await store.CreateAdminClientAsync();
        var response = await admin.GetAsync(new Uri("/api/admin/search/analytics?" + query, UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        var page = await admin.GetAsync(new Uri("/admin/search/analytics?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("data-testid=\"analytics-errors\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_event_from_another_front_end_needs_a_search_id_product_place_and_kind()
    {
        using var client = store.CreateClient();
        var response = await client.PostAsJsonAsync("/api/search/events", new { searchId = "nope", productId = 0, position = 0, kind = "like" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "searchId");
        foreach (var field in new[] { "productId", "position", "kind" })
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        var accepted = await client.PostAsJsonAsync("/api/search/events", new { searchId = "0123456789abcdef", productId = 1, position = 3, kind = "open" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Two_nodes_searching_at_once_add_up_to_exact_counts()
    {
        const int perNode = 40;
        await store.WaitForIndexAsync();
        await using var second = new StoreFactory().SharingDatabaseWith(store).With("SearchAnalytics:FlushInterval", "00:00:00.200");
        await second.InitializeAsync();
        await second.WaitForIndexAsync();

        async Task SearchAsync(StoreFactory node)
        {
            using var client = node.CreateClient();
            var response = await client.GetAsync(new Uri("/api/search?q=usb%20cable", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        }
        await Task.WhenAll(Enumerable.Range(0, perNode).SelectMany(_ => new[] { SearchAsync(store), SearchAsync(second) }));

        // The admin's node flushes its own counts for the report; the other node's arrive with its next flush.
        using var admin = await store.CreateAdminClientAsync();
        long searches = 0, shoppers = 0;
        for (var attempt = 0; attempt < 50 && searches < 2 * perNode; attempt++)
        {
            if (attempt > 0) await Task.Delay(200);
            var report = await admin.GetFromJsonAsync<JsonElement>("/api/admin/search/analytics");
            var row = report.GetProperty("top").EnumerateArray().SingleOrDefault(t => t.GetProperty("query").GetString() == "usb cable");
            if (row.ValueKind == JsonValueKind.Undefined) continue;
            (searches, shoppers) = (row.GetProperty("searches").GetInt64(), row.GetProperty("shoppers").GetInt64());
        }
        Assert.Equal(2 * perNode, searches);
        Assert.Equal(2 * perNode, shoppers);
    }
}
