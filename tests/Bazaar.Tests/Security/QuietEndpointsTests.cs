using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Finding 12 of issue 14 (its /metrics and OpenAPI part): both were public.
public class QuietEndpointsTests : IClassFixture<QuietEndpointsTests.Store>
{
    public const string Token = "scrape-token-0123456789";
    public const int ScrapePort = 9464;

    public sealed class Store : HttpsStore
    {
        public Store() => With("Metrics:BearerToken", Token).With("Metrics:Port", ScrapePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private readonly Store _store;

    public QuietEndpointsTests(Store store) => _store = store;

    [Fact]
    public async Task Metrics_are_not_public_outside_Development()
    {
        await using var store = new StoreFactory();
        await store.InitializeAsync();
        using var client = store.CreateClient();
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_refuse_a_scraper_without_the_bearer_token()
    {
        using var client = _store.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_the_scraper_with_the_token_or_on_the_metrics_port()
    {
        using var client = _store.CreateClient();
        await client.GetAsync(new Uri("/api/products", UriKind.Relative));
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var scraped = await client.SendAsync(withToken);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var onPort = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        onPort.Headers.Add(TestPeer.LocalPortHeader, ScrapePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(onPort)).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_shows_admin_paths_to_admins_only()
    {
        using var anonymous = _store.CreateClient();
        var publicPaths = await PathsAsync(anonymous);
        Assert.Contains("/api/products", publicPaths);
        Assert.DoesNotContain(publicPaths, p => p.Contains("/admin", StringComparison.Ordinal));

        using var customer = await _store.CreateCustomerClientAsync();
        Assert.DoesNotContain(await PathsAsync(customer), p => p.Contains("/admin", StringComparison.Ordinal));

        using var admin = await _store.CreateAdminClientAsync();
        Assert.Contains("/api/admin/orders", await PathsAsync(admin));
    }

    private static async Task<List<string>> PathsAsync(HttpClient client)
    {
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        return [.. document.GetProperty("paths").EnumerateObject().Select(p => p.Name)];
    }
}
