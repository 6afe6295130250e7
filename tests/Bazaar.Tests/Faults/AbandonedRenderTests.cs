using System.Net;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Faults;

// A full PostgreSQL run hung one request for 100 s: Blazor disposed layout components (each with its own DI scope)
// while their queries were still running, when a page answered 404 and was rendered again as the not-found page; the
// scope handed its pooled DbContext back mid-command ("Can't close, connection is in state Connecting") and the next
// request to rent it waited on a connection in an unknown state.
public class AbandonedRenderTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private static readonly (string Path, HttpStatusCode Status)[] Pages =
    [
        ("/no-such-page", HttpStatusCode.NotFound),
        ("/", HttpStatusCode.OK),
        ("/p/no-such-product", HttpStatusCode.NotFound),
        ("/c/no-such-category", HttpStatusCode.NotFound),
        ("/search?q=cable", HttpStatusCode.OK),
    ];

    [Fact]
    public async Task Pages_abandoned_mid_load_leave_every_connection_usable()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => GetAsync(Pages[i % Pages.Length])));
        var failures = answers.OfType<string>().ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // Afterwards every pooled context still answers, one request after another.
        foreach (var page in Pages.Concat(Pages).Concat(Pages))
            Assert.Null(await GetAsync(page));
    }

    // Null when the page answered as expected within the bound, otherwise what went wrong.
    private async Task<string?> GetAsync((string Path, HttpStatusCode Status) page)
    {
        using var client = store.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        try
        {
            var response = await client.GetAsync(new Uri(page.Path, UriKind.Relative));
            return response.StatusCode == page.Status ? null : $"{page.Path}: {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"{page.Path}: {e.GetType().Name} {e.Message}";
        }
    }
}
