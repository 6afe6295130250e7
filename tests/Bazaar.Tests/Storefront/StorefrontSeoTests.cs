using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;
using Bazaar.Tests.Recommendations;
using Bazaar.Tests.Search;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Storefront;

// Issue 20: what search engines read from the pages: a description and a canonical address on the home, category,
// search and product pages, and schema.org Product data (offer, rating) on a product page.
public partial class StorefrontSeoTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [GeneratedRegex("<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex JsonLd();

    [GeneratedRegex("<meta name=\"description\" content=\"([^\"]+)\"")]
    private static partial Regex Description();

    [GeneratedRegex("<link rel=\"canonical\" href=\"([^\"]+)\"")]
    private static partial Regex Canonical();

    [Fact]
    public async Task A_product_page_describes_the_product_its_offer_and_its_rating_as_schema_org_data()
    {
        var id = (await store.CreateProductsAsync(1, units: 20))[0].Id;
        using var reviewer = await store.CreateCustomerClientAsync();
        (await reviewer.PutAsJsonAsync($"/api/products/{id}/reviews/mine", new { rating = 4, title = "Good", body = "Works." }))
            .EnsureSuccessStatusCode();
        using var client = store.CreateClient();
        var product = await client.GetFromJsonAsync<JsonElement>($"/api/products/{id}");
        var slug = product.GetProperty("slug").GetString()!;

        var page = await client.GetStringAsync(new Uri($"/p/{slug}", UriKind.Relative));

        var blocks = JsonLd().Matches(page);
        Assert.Single(blocks);
        var data = JsonDocument.Parse(blocks[0].Groups[1].Value).RootElement;
        Assert.Equal("https://schema.org", data.GetProperty("@context").GetString());
        Assert.Equal("Product", data.GetProperty("@type").GetString());
        Assert.Equal(product.GetProperty("title").GetString(), data.GetProperty("name").GetString());
        Assert.Equal(product.GetProperty("sku").GetString(), data.GetProperty("sku").GetString());
        var offer = data.GetProperty("offers");
        Assert.Equal("Offer", offer.GetProperty("@type").GetString());
        Assert.Equal(product.GetProperty("price").GetDecimal(), decimal.Parse(offer.GetProperty("price").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("USD", offer.GetProperty("priceCurrency").GetString());
        Assert.Equal("https://schema.org/InStock", offer.GetProperty("availability").GetString());
        Assert.EndsWith($"/p/{slug}", offer.GetProperty("url").GetString(), StringComparison.Ordinal);
        var rating = data.GetProperty("aggregateRating");
        Assert.Equal(4.0, rating.GetProperty("ratingValue").GetDouble());
        Assert.Equal(1, rating.GetProperty("reviewCount").GetInt32());
        Assert.EndsWith($"/p/{slug}", Canonical().Match(page).Groups[1].Value, StringComparison.Ordinal);
        Assert.True(Description().IsMatch(page), "The product page has no meta description.");
    }

    [Fact]
    public async Task The_home_category_and_search_pages_have_a_description_and_a_canonical_address()
    {
        await store.WaitForIndexAsync();
        string category;
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
            category = Bazaar.Catalog.Catalog.Flatten(await catalog.GetCategoryTreeAsync()).First(c => c.ProductCount > 0).Slug;
        }
        using var client = store.CreateClient();
        foreach (var (path, canonical) in new[]
        {
            ("/", "/"), ($"/c/{category}?sort=price-asc", $"/c/{category}"), ("/search?q=cable&sort=price-asc&page=1", "/search?q=cable"),
        })
        {
            var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
            var description = Description().Match(page);
            Assert.True(description.Success, $"{path} has no meta description.");
            Assert.InRange(WebUtility.HtmlDecode(description.Groups[1].Value).Length, 50, 160);
            var link = Canonical().Match(page);
            Assert.True(link.Success, $"{path} has no canonical link.");
            Assert.Equal(canonical, new Uri(link.Groups[1].Value).PathAndQuery);
        }
    }

    [Fact]
    public async Task A_text_search_may_be_indexed_and_its_filtered_sorted_or_paged_variants_ask_not_to_be()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var robots = await client.GetStringAsync(new Uri("/robots.txt", UriKind.Relative));
        Assert.Contains("Allow: /search?q=", robots, StringComparison.Ordinal);

        var plain = await client.GetStringAsync(new Uri("/search?q=cable", UriKind.Relative));
        Assert.DoesNotContain("name=\"robots\"", plain, StringComparison.Ordinal);
        foreach (var variant in new[] { "/search?q=cable&sort=price-asc", "/search?q=cable&brand=Lexmark", "/search?brand=Lexmark" })
        {
            var page = await client.GetStringAsync(new Uri(variant, UriKind.Relative));
            Assert.Matches("<meta name=\"robots\" content=\"noindex, follow\"\\s*/?>", page);
        }
    }
}
