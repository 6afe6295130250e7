using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Bazaar.Tests.Recommendations;
using Bazaar.Tests.Search;

namespace Bazaar.Tests.Reviews;

public class ReviewStore : CheckoutStore
{
    public ReviewStore() => With("Reviews:WritesPerHour", "4");
}

// The review rules through the API, on a real host and database.
public class ReviewApiTests(ReviewStore store) : IClassFixture<ReviewStore>
{
    private static object Review(int? rating = 4, string? title = "Works well", string? body = "Does what it says.") => new { rating, title, body };

    private async Task<int> ProductAsync() => (await store.CreateProductsAsync(1, units: 20))[0].Id;

    private static Task<HttpResponseMessage> WriteAsync(HttpClient client, int productId, object review) =>
        client.PutAsJsonAsync($"/api/products/{productId}/reviews/mine", review);

    private static async Task<JsonElement> PageAsync(HttpClient client, int productId, string query = "") =>
        await client.GetFromJsonAsync<JsonElement>($"/api/products/{productId}/reviews{query}");

    [Fact]
    public async Task A_shopper_has_one_review_per_product_and_writing_again_edits_it()
    {
        var product = await ProductAsync();
        using var shopper = await store.CreateCustomerClientAsync();

        (await WriteAsync(shopper, product, Review(rating: 2, title: "Meh"))).EnsureSuccessStatusCode();
        var edited = await (await WriteAsync(shopper, product, Review(rating: 5, title: "Grew on me"))).Content.ReadFromJsonAsync<JsonElement>();

        var page = await PageAsync(shopper, product);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(("Grew on me", 5), (edited.GetProperty("title").GetString(), edited.GetProperty("rating").GetInt32()));
        Assert.Equal([0, 0, 0, 0, 1], page.GetProperty("summary").GetProperty("histogram").EnumerateArray().Select(h => h.GetInt32()));
        var catalogue = await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{product}");
        Assert.Equal((5.0, 1), (catalogue.GetProperty("rating").GetDouble(), catalogue.GetProperty("reviewCount").GetInt32()));
    }

    [Fact]
    public async Task The_badge_says_verified_purchase_only_for_a_shopper_who_bought_it()
    {
        var products = await store.CreateProductsAsync(1, units: 20);
        using var buyer = await store.CreateCustomerClientAsync();
        using var browser = await store.CreateCustomerClientAsync();
        await store.PlaceOrderAsync(buyer, products[0].Sku);

        var bought = await (await WriteAsync(buyer, products[0].Id, Review())).Content.ReadFromJsonAsync<JsonElement>();
        var notBought = await (await WriteAsync(browser, products[0].Id, Review())).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(bought.GetProperty("verifiedPurchase").GetBoolean());
        Assert.False(notBought.GetProperty("verifiedPurchase").GetBoolean());
    }

    [Fact]
    public async Task Helpful_votes_count_once_per_shopper_and_never_for_ones_own_review()
    {
        var product = await ProductAsync();
        using var author = await store.CreateCustomerClientAsync();
        using var reader = await store.CreateCustomerClientAsync();
        using var guest = store.CreateClient();
        var id = (await (await WriteAsync(author, product, Review())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var first = await reader.PostAsync(new Uri($"/api/reviews/{id}/helpful", UriKind.Relative), null);
        var again = await reader.PostAsync(new Uri($"/api/reviews/{id}/helpful", UriKind.Relative), null);

        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("votes").GetInt32());
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("votes").GetInt32());
        await (await author.PostAsync(new Uri($"/api/reviews/{id}/helpful", UriKind.Relative), null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await guest.PostAsync(new Uri($"/api/reviews/{id}/helpful", UriKind.Relative), null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await reader.PostAsync(new Uri("/api/reviews/99999999/helpful", UriKind.Relative), null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, (await PageAsync(reader, product)).GetProperty("items")[0].GetProperty("helpfulVotes").GetInt32());
    }

    [Fact]
    public async Task Reviews_sort_by_helpful_newest_and_rating()
    {
        var product = await ProductAsync();
        var ratings = new[] { 3, 5, 1 };
        var ids = new List<long>();
        foreach (var rating in ratings)
        {
            using var author = await store.CreateCustomerClientAsync();
            ids.Add((await (await WriteAsync(author, product, Review(rating))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }
        using var voter = await store.CreateCustomerClientAsync();
        (await voter.PostAsync(new Uri($"/api/reviews/{ids[2]}/helpful", UriKind.Relative), null)).EnsureSuccessStatusCode();

        async Task<long[]> Order(string sort) => (await PageAsync(voter, product, "?sort=" + sort)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToArray();

        Assert.Equal(ids[2], (await Order("helpful"))[0]);
        Assert.Equal(ids.AsEnumerable().Reverse(), await Order("newest"));
        Assert.Equal([ids[1], ids[0], ids[2]], await Order("highest"));
        Assert.Equal([ids[2], ids[0], ids[1]], await Order("lowest"));
        await (await voter.GetAsync(new Uri($"/api/products/{product}/reviews?sort=best", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "sort");
    }

    [Theory]
    [InlineData(0, "Fine", "Text", "rating")]
    [InlineData(6, "Fine", "Text", "rating")]
    [InlineData(null, "Fine", "Text", "rating")]
    [InlineData(4, "", "Text", "title")]
    [InlineData(4, "Fine", "   ", "body")]
    [InlineData(4, "Fine", null, "body")]
    public async Task Bad_reviews_get_a_400_naming_the_field_and_nothing_is_written(int? rating, string? title, string? body, string field)
    {
        var product = await ProductAsync();
        using var shopper = await store.CreateCustomerClientAsync();

        await (await WriteAsync(shopper, product, Review(rating, title, body))).AssertProblemAsync(HttpStatusCode.BadRequest, field);

        await (await shopper.GetAsync(new Uri($"/api/products/{product}/reviews/mine", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await PageAsync(shopper, product)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Too_long_text_unknown_products_and_guests_are_refused()
    {
        var product = await ProductAsync();
        using var shopper = await store.CreateCustomerClientAsync();
        using var guest = store.CreateClient();

        await (await WriteAsync(shopper, product, Review(body: new string('x', 5001)))).AssertProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await WriteAsync(shopper, product, Review(title: new string('x', 121)))).AssertProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await WriteAsync(shopper, 99999999, Review())).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await WriteAsync(guest, product, Review())).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await guest.GetAsync(new Uri("/api/products/99999999/reviews", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await PageAsync(shopper, product)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_shopper_writing_too_many_reviews_in_an_hour_gets_429_and_nothing_more_is_written()
    {
        var products = await store.CreateProductsAsync(5, units: 1);
        using var shopper = await store.CreateCustomerClientAsync();
        foreach (var p in products.Take(4)) (await WriteAsync(shopper, p.Id, Review())).EnsureSuccessStatusCode();

        await (await WriteAsync(shopper, products[4].Id, Review())).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal(0, (await PageAsync(shopper, products[4].Id)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_admin_hides_a_review_with_a_reason_and_it_stops_counting_until_restored()
    {
        var product = await ProductAsync();
        using var author = await store.CreateCustomerClientAsync();
        using var admin = await store.CreateAdminClientAsync();
        var id = (await (await WriteAsync(author, product, Review(1, "Spam", "Buy followers at example.com"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await (await admin.PostAsJsonAsync($"/api/admin/reviews/{id}/hide", new { reason = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await author.PostAsJsonAsync($"/api/admin/reviews/{id}/hide", new { reason = "spam" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var hidden = await (await admin.PostAsJsonAsync($"/api/admin/reviews/{id}/hide", new { reason = "advertising" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("Hidden", "advertising"), (hidden.GetProperty("status").GetString(), hidden.GetProperty("moderationReason").GetString()));
        Assert.Equal(0, (await PageAsync(author, product)).GetProperty("summary").GetProperty("count").GetInt32());
        Assert.Equal(0, (await author.GetFromJsonAsync<JsonElement>($"/api/products/{product}")).GetProperty("reviewCount").GetInt32());
        var queue = await admin.GetFromJsonAsync<JsonElement>("/api/admin/reviews?status=hidden");
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);

        (await admin.PostAsJsonAsync($"/api/admin/reviews/{id}/restore", new { reason = "appeal upheld" })).EnsureSuccessStatusCode();
        Assert.Equal(1, (await PageAsync(author, product)).GetProperty("summary").GetProperty("count").GetInt32());
        await (await admin.GetAsync(new Uri("/api/admin/reviews?status=gone", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task Markup_in_a_review_is_shown_as_text_on_the_product_page()
    {
        var product = await ProductAsync();
        using var shopper = await store.CreateCustomerClientAsync();
        (await WriteAsync(shopper, product, Review(title: "<b>Bold</b> claim", body: "<script>alert('x')</script> five stars"))).EnsureSuccessStatusCode();
        var slug = (await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{product}")).GetProperty("slug").GetString();

        var html = await shopper.GetStringAsync(new Uri($"/p/{slug}", UriKind.Relative));

        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; five stars", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Bold&lt;/b&gt; claim", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rating_reaches_the_search_index_for_the_rating_facet()
    {
        var product = await ProductAsync();
        using var shopper = await store.CreateCustomerClientAsync();
        (await WriteAsync(shopper, product, Review(rating: 5))).EnsureSuccessStatusCode();
        var title = (await shopper.GetFromJsonAsync<JsonElement>($"/api/products/{product}")).GetProperty("title").GetString()!;

        await store.WaitForIndexAsync();
        var found = await shopper.SearchAsync("q=" + Uri.EscapeDataString(title) + "&rating=5");

        Assert.Contains(found.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt32() == product);
    }
}
