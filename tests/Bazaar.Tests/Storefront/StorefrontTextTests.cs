using System.Net;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;
using Bazaar.Tests.Search;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Storefront;

// Issue 20: what the storefront prints when the shopper's input is odd (a page past the end, a pasted paragraph),
// read from the pages the server renders.
public partial class StorefrontTextTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [GeneratedRegex(@"<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"Showing (\d+)–(\d+) of")]
    private static partial Regex Showing();

    private HttpClient NotFollowing() => store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task A_search_page_past_the_end_redirects_to_the_last_page_with_results()
    {
        await store.WaitForIndexAsync();
        using var client = NotFollowing();
        // Page 50 is within the depth searched (a deeper one is refused as a bad link), past the few toner results.
        var response = await client.GetAsync(new Uri("/search?q=toner&page=50", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var last = response.Headers.Location!.ToString();
        Assert.DoesNotContain("page=50", last, StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri(last, UriKind.RelativeOrAbsolute));
        var shown = Showing().Match(page);
        Assert.True(shown.Success, "The last page shows no 'Showing a–b of n'.");
        Assert.True(int.Parse(shown.Groups[1].Value) <= int.Parse(shown.Groups[2].Value), shown.Value);
    }

    [Fact]
    public async Task A_category_page_past_the_end_redirects_to_its_last_page()
    {
        string slug;
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
            slug = Bazaar.Catalog.Catalog.Flatten(await catalog.GetCategoryTreeAsync()).First(c => c.ProductCount > 0).Slug;
        }
        using var client = NotFollowing();
        var response = await client.GetAsync(new Uri($"/c/{slug}?page=999", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetStringAsync(response.Headers.Location);
        var shown = Showing().Match(page);
        Assert.True(shown.Success, "The last page shows no 'Showing a–b of n'.");
        Assert.True(int.Parse(shown.Groups[1].Value) <= int.Parse(shown.Groups[2].Value), shown.Value);
    }

    [Fact]
    public async Task An_eighty_word_query_is_cut_short_in_the_heading_and_the_title()
    {
        await store.WaitForIndexAsync();
        var words = string.Join(' ', Enumerable.Range(0, 80).Select(i => $"word{i}"));
        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri("/search?q=" + Uri.EscapeDataString(words), UriKind.Relative));

        var heading = WebUtility.HtmlDecode(Regex.Replace(Heading().Match(page).Groups[1].Value, "<[^>]+>", "")).Trim();
        Assert.StartsWith("Results for “word0 word1", heading, StringComparison.Ordinal);
        Assert.True(heading.Length <= 80, $"The heading is {heading.Length} characters: {heading}");
        Assert.Contains("…", heading, StringComparison.Ordinal);
        var title = Regex.Match(page, "<title>(.*?)</title>", RegexOptions.Singleline).Groups[1].Value;
        Assert.True(title.Length <= 90, $"The title is {title.Length} characters: {title}");
    }
}
