using System.Net;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Search;

public partial class SearchApiTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [Theory]
    [InlineData("")]
    [InlineData("%22")]
    [InlineData("*")]
    [InlineData("AND(")]
    [InlineData("%5C")]
    [InlineData("%22cable%22%20OR%20title%3A*")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("%E2%84%A2%F0%9F%98%80%00")]
    public async Task Odd_input_is_searched_literally(string q)
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var result = await client.SearchAsync("q=" + q);
        Assert.True(result.GetProperty("total").GetInt32() >= 0);
        foreach (var item in result.GetProperty("items").EnumerateArray())
            Assert.DoesNotContain("<script", item.GetProperty("titleHtml").GetString(), StringComparison.OrdinalIgnoreCase);
        var suggest = await client.GetAsync(new Uri("/api/search/suggest?q=" + q, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, suggest.StatusCode);
    }

    [Theory]
    [InlineData("%21%21%21")]
    [InlineData("%F0%9F%98%80")]
    public async Task A_query_of_only_punctuation_or_emoji_is_empty_and_the_page_asks_for_words(string q)
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var result = await client.SearchAsync("q=" + q);
        Assert.Equal("", result.GetProperty("query").GetString());
        var page = await client.GetStringAsync(new Uri("/search?q=" + q, UriKind.Relative));
        Assert.Contains("data-testid=\"needs-words\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Results for", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_search_parameter()
    {
        using var client = store.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var operation = doc.RootElement.GetProperty("paths").GetProperty("/api/search").GetProperty("get");
        var names = operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet();
        foreach (var name in new[] { "q", "sort", "page", "pageSize", "category", "brand", "price", "rating", "inStock" })
            Assert.Contains(name, names);
        Assert.Contains(names, n => n!.StartsWith("attr.", StringComparison.Ordinal));
        foreach (var parameter in operation.GetProperty("parameters").EnumerateArray())
        {
            Assert.Equal("query", parameter.GetProperty("in").GetString());
            Assert.False(string.IsNullOrWhiteSpace(parameter.GetProperty("description").GetString()));
        }
    }

    [Fact]
    public async Task A_long_query_is_searched_and_an_absurd_one_refused()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        await client.SearchAsync("q=" + new string('a', 900));
        await (await client.GetAsync(new Uri("/api/search?q=" + new string('a', 5000), UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "q");
        await (await client.GetAsync(new Uri("/api/search/suggest?q=" + new string('a', 5000), UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "q");
    }

    [Theory]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=5000&pageSize=100", "page")]
    [InlineData("price=cheap", "price")]
    [InlineData("price=50-10", "price")]
    [InlineData("rating=9", "rating")]
    [InlineData("inStock=maybe", "inStock")]
    [InlineData("category=no-such-category", "category")]
    [InlineData("attr.BAD%20KEY=x", "attr.BAD KEY")]
    public async Task Bad_filters_get_a_problem_naming_the_field(string query, string field)
    {
        using var client = store.CreateClient();
        await (await client.GetAsync(new Uri("/api/search?" + query, UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Results_page_sort_and_report_the_applied_filters()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var first = await client.SearchAsync("sort=price-asc&pageSize=3");
        var second = await client.SearchAsync("sort=price-asc&pageSize=3&page=2");
        var prices = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);
        Assert.Empty(first.Ids().Intersect(second.Ids()));

        var brand = first.GetProperty("facets").GetProperty("brands")[0].GetProperty("value").GetString()!;
        var filtered = await client.SearchAsync("brand=" + Uri.EscapeDataString(brand) + "&price=-100000");
        var applied = filtered.GetProperty("applied").GetProperty("filters").EnumerateArray().Select(f => f.GetProperty("facet").GetString()).ToList();
        Assert.Equal(["brand", "price"], applied);
        Assert.All(filtered.GetProperty("items").EnumerateArray(), i => Assert.Equal(brand, i.GetProperty("brand").GetString()));
    }

    [Fact]
    public async Task Matches_are_highlighted_and_a_misspelling_gets_did_you_mean()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var cartridge = await client.SearchAsync("q=toner");
        Assert.Contains("<mark>", cartridge.GetProperty("items")[0].GetProperty("titleHtml").GetString(), StringComparison.Ordinal);
        var typo = await client.SearchAsync("q=tonr");
        Assert.Equal("toner", typo.GetProperty("didYouMean").GetString());
        Assert.True(typo.GetProperty("total").GetInt32() > 0);
    }

    [Fact]
    public async Task Suggestions_complete_the_word_being_typed()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var suggestions = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search/suggest?q=lexm", UriKind.Relative))).RootElement;
        Assert.Contains(suggestions.GetProperty("brands").EnumerateArray(), b => b.GetProperty("value").GetString() == "Lexmark");
        Assert.NotEmpty(suggestions.GetProperty("products").EnumerateArray());
    }

    [Fact]
    public async Task Admins_see_the_index_status_and_manage_synonyms()
    {
        await store.WaitForIndexAsync();
        using var anonymous = store.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/admin/search/status", UriKind.Relative))).StatusCode);
        using var admin = await store.CreateAdminClientAsync();
        var status = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/admin/search/status", UriKind.Relative))).RootElement;
        Assert.True(status.GetProperty("ready").GetBoolean());
        Assert.True(status.GetProperty("documents").GetInt32() > 0);

        await (await admin.PostAsync(new Uri("/api/admin/search/synonyms", UriKind.Relative), JsonContent("{\"rule\":\"nonsense\"}"))).AssertProblemAsync(HttpStatusCode.BadRequest, "rule");
        var before = (await admin.SearchAsync("q=zqcartouche")).GetProperty("total").GetInt32();
        var created = await admin.PostAsync(new Uri("/api/admin/search/synonyms", UriKind.Relative), JsonContent("{\"rule\":\"zqcartouche => toner\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True((await admin.SearchAsync("q=zqcartouche")).GetProperty("total").GetInt32() > before);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/admin/search/synonyms/{id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_back_office_shows_the_index_lag()
    {
        await store.WaitForIndexAsync();
        using var admin = await store.CreateAdminClientAsync();
        var page = await admin.GetStringAsync(new Uri("/admin/search", UriKind.Relative));
        Assert.Contains("Index lag", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"search-lag\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_page_renders_results_facets_and_keeps_bad_links_working()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri("/search?q=toner&sort=bogus", UriKind.Relative));
        Assert.Contains("data-testid=\"search-hit\"", page, StringComparison.Ordinal);
        Assert.Contains("data-facet=\"brand\"", page, StringComparison.Ordinal);
        Assert.Contains("not valid", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("q=toner&price=25-50&page=2&priceMin=10&priceMax=40", "/search?q=toner&price=10-40")]
    [InlineData("q=toner&priceMin=100&priceMax=", "/search?q=toner&price=100-")]
    [InlineData("q=toner&priceMin=&priceMax=40.5", "/search?q=toner&price=-40.5")]
    [InlineData("q=toner&price=25-50&priceMin=&priceMax=", "/search?q=toner&price=25-50")]
    [InlineData("q=cable&price=25-50&price=50-100&priceMin=&priceMax=", "/search?q=cable&price=25-50&price=50-100")]
    [InlineData("q=toner&PRICE=25-50&PriceMin=10", "/search?q=toner&price=10-")]
    [InlineData("q=toner&priceMin=10.50&priceMax=40.00", "/search?q=toner&price=10.5-40")]
    [InlineData("q=toner&priceMin=40&priceMax=10", "/search?q=toner&price=40-10")]
    public async Task The_price_range_form_becomes_one_price_filter(string submitted, string location)
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync(new Uri("/search?" + submitted, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith(location, response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_price_range_is_a_filter_its_chip_removes_and_a_reversed_one_is_named()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri("/search?q=cable&priceMin=10.50&priceMax=40", UriKind.Relative));
        // Written as the facet writes it, so the chip's link takes it off again.
        Assert.Contains("href=\"/search?q=cable\" aria-label=\"Remove filter $10.5 to $40\"", page, StringComparison.Ordinal);
        var prices = PriceText().Matches(page).Select(m => decimal.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(prices);
        Assert.All(prices, p => Assert.InRange(p, 10.5m, 40m));

        var reversed = await client.GetStringAsync(new Uri("/search?q=cable&priceMin=40&priceMax=10", UriKind.Relative));
        Assert.Contains("is not a price range", reversed, StringComparison.Ordinal);
        Assert.DoesNotContain("Remove filter", reversed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_price_range_form_carries_the_picked_prices()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri("/search?q=cable&price=25-50&price=50-100&page=2", UriKind.Relative));
        var start = page.IndexOf("data-testid=\"price-range\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "the price range form is on the page");
        var form = page[start..page.IndexOf("</form>", start, StringComparison.Ordinal)];
        Assert.Contains("name=\"price\" value=\"25-50\"", form, StringComparison.Ordinal);
        Assert.Contains("name=\"price\" value=\"50-100\"", form, StringComparison.Ordinal);
        Assert.Contains("name=\"q\" value=\"cable\"", form, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"page\"", form, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<span class=""price"">\$([0-9.]+)</span>")]
    private static partial System.Text.RegularExpressions.Regex PriceText();

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
