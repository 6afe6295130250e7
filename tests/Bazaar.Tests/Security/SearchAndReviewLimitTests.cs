using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Bazaar.Tests.Recommendations;

namespace Bazaar.Tests.Security;

// Issue 14, finding 6 (search and reviews): nothing limited how often one client searched, the store's most
// expensive read, and the review limit was per account only, so many fresh accounts from one address could flood a
// product with reviews.
public class SearchAndReviewLimitTests
{
    private const string Attacker = "198.51.100.77";
    private const string Neighbour = "192.0.2.20";
    private const int Limit = 10;

    private static async Task<StoreFactory> StoreAsync(string setting, int limit)
    {
        var store = new StoreFactory().With(setting, limit.ToString(CultureInfo.InvariantCulture));
        await store.InitializeAsync();
        return store;
    }

    [Fact]
    public async Task One_address_searching_in_a_loop_is_refused_with_429_beyond_the_limit_and_others_search_on()
    {
        await using var store = await StoreAsync("Search:RequestsPerClientPerMinute", Limit);
        using var attacker = store.CreateClient().From(Attacker);
        string[] urls = ["/api/search?q=cable", "/api/search/suggest?q=cab", "/search?q=cable"];

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < Limit + 6; i++)
            answers.Add(await attacker.GetAsync(new Uri(urls[i % urls.Length], UriKind.Relative)));

        Assert.All(answers.Take(Limit), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers.Skip(Limit), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.All(answers.Skip(Limit), a => Assert.InRange(RetryAfterSeconds(a), 1, 60));
        await answers.Skip(Limit).First(a => a.RequestMessage!.RequestUri!.AbsolutePath == "/api/search")
            .AssertProblemAsync(HttpStatusCode.TooManyRequests);
        using var neighbour = store.CreateClient().From(Neighbour);
        Assert.Equal(HttpStatusCode.OK, (await neighbour.GetAsync(new Uri(urls[0], UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Many_fresh_accounts_from_one_address_write_no_more_reviews_than_the_address_limit()
    {
        const int limit = 3;
        await using var store = await StoreAsync("Reviews:WritesPerClientPerHour", limit);
        var productId = (await store.CreateProductsAsync(1, units: 5))[0].Id;
        var accounts = new List<HttpClient>();
        for (var i = 0; i < limit + 3; i++) accounts.Add((await store.CreateCustomerClientAsync()).From(Attacker));

        var answers = new List<HttpResponseMessage>();
        foreach (var account in accounts)
            answers.Add(await account.PutAsJsonAsync($"/api/products/{productId}/reviews/mine",
                new { rating = 5, title = "Best ever", body = "Buy it now." }));

        Assert.Equal(limit, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, r => Assert.InRange(RetryAfterSeconds(r), 1, 3600));
        var problem = await refused[0].AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("from your network", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var page = await accounts[0].GetFromJsonAsync<JsonElement>($"/api/products/{productId}/reviews");
        Assert.Equal(limit, page.GetProperty("summary").GetProperty("count").GetInt32());
        // A shopper at another address still reviews.
        using var neighbour = (await store.CreateCustomerClientAsync()).From(Neighbour);
        var own = await neighbour.PutAsJsonAsync($"/api/products/{productId}/reviews/mine",
            new { rating = 4, title = "Fine", body = "Works." });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        accounts.ForEach(a => a.Dispose());
    }

    private static int RetryAfterSeconds(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
}
