using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.BackOffice;

// The trust pages: written by the admin, shown safely, linked from every page; robots.txt, the sitemap, canonical
// links and meta descriptions.
public class StorePageTests(BackOfficeStore store) : IClassFixture<BackOfficeStore>
{
    private static Uri Relative(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task An_admin_writes_a_page_and_shoppers_see_it_with_any_html_shown_as_text()
    {
        using var admin = await store.CreateAdminClientAsync();
        using var shopper = store.CreateClient();
        var body = "## Who we are\n\nA family shop since 1987.<script>alert(1)</script>\n\n- Fast shipping\n- [Write to us](mailto:hi@example.com)"
            + "\n\n[bad](javascript:alert(1))";

        var saved = await admin.PutAsJsonAsync("/api/admin/pages/about", new { title = "About the shop", body, description = "A family shop." });
        var page = await shopper.GetStringAsync(Relative("/about"));

        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.Contains("<h1>About the shop</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<h2>Who we are</h2>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", page, StringComparison.Ordinal);
        Assert.Contains("<li><a href=\"mailto:hi@example.com\" rel=\"external nofollow\">Write to us</a></li>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", page, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"description\" content=\"A family shop.\"", page, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"canonical\" href=\"http://localhost/about\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"title\":\"\",\"body\":\"x\"}", "title")]
    [InlineData("{\"title\":\"T\",\"body\":\"\"}", "body")]
    public async Task A_page_without_a_title_or_text_is_refused_naming_the_field(string json, string field)
    {
        using var admin = await store.CreateAdminClientAsync();

        var response = await admin.PutAsync(Relative("/api/admin/pages/terms"), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        await (await admin.PutAsJsonAsync("/api/admin/pages/nowhere", new { title = "T", body = "B" })).AssertProblemAsync(HttpStatusCode.NotFound);
        using var shopper = store.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await shopper.PutAsJsonAsync("/api/admin/pages/terms", new { title = "T", body = "B" })).StatusCode);
    }

    [Fact]
    public async Task Every_page_s_footer_links_the_trust_pages_and_keeps_the_api_links_under_developers()
    {
        using var shopper = store.CreateClient();

        var home = await shopper.GetStringAsync(Relative("/"));

        foreach (var path in new[] { "/about", "/contact", "/shipping-and-returns", "/privacy", "/terms" })
        {
            Assert.Contains($"href=\"{path}\"", home, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await shopper.GetAsync(Relative(path))).StatusCode);
        }
        var footer = home[home.IndexOf("<footer", StringComparison.Ordinal)..];
        var developers = footer[footer.IndexOf("footer-developers", StringComparison.Ordinal)..];
        Assert.Contains("/api/docs", developers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Robots_txt_keeps_crawlers_out_of_the_back_office_and_names_the_sitemap_which_lists_products_and_categories()
    {
        using var shopper = store.CreateClient();

        var robots = await shopper.GetStringAsync(Relative("/robots.txt"));
        var sitemap = await shopper.GetAsync(Relative("/sitemap.xml"));
        var xml = System.Xml.Linq.XDocument.Parse(await sitemap.Content.ReadAsStringAsync());

        Assert.Contains("Disallow: /admin", robots, StringComparison.Ordinal);
        Assert.Contains("Disallow: /api/", robots, StringComparison.Ordinal);
        Assert.Contains("Sitemap: http://localhost/sitemap.xml", robots, StringComparison.Ordinal);
        Assert.Equal("application/xml", sitemap.Content.Headers.ContentType?.MediaType);
        var locations = xml.Descendants().Where(e => e.Name.LocalName == "loc").Select(e => e.Value).ToList();
        var product = (await shopper.GetFromJsonAsync<JsonElement>("/api/products?pageSize=1")).GetProperty("items")[0];
        Assert.Contains($"http://localhost/p/{product.GetProperty("slug").GetString()}", locations);
        Assert.Contains(locations, l => l.StartsWith("http://localhost/c/", StringComparison.Ordinal));
        Assert.Contains("http://localhost/terms", locations);
        Assert.DoesNotContain(locations, l => l.Contains("/admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Product_and_category_pages_have_a_canonical_link_and_a_meta_description()
    {
        using var shopper = store.CreateClient();
        var product = (await shopper.GetFromJsonAsync<JsonElement>("/api/products?pageSize=1")).GetProperty("items")[0];
        var slug = product.GetProperty("slug").GetString();
        var category = (await shopper.GetFromJsonAsync<JsonElement>("/api/categories"))[0].GetProperty("slug").GetString();

        var productPage = await shopper.GetStringAsync(Relative($"/p/{slug}?image=1"));
        var categoryPage = await shopper.GetStringAsync(Relative($"/c/{category}?sort=price-asc"));

        Assert.Contains($"<link rel=\"canonical\" href=\"http://localhost/p/{slug}\"", productPage, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"description\" content=\"", productPage, StringComparison.Ordinal);
        Assert.Contains($"<link rel=\"canonical\" href=\"http://localhost/c/{category}\"", categoryPage, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"description\" content=\"", categoryPage, StringComparison.Ordinal);
    }
}
