using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

// Issue 14, finding 10: cookie-authenticated endpoints accepted cross-site, body-less POSTs. A page on another site
// could make a signed-in shopper's browser cancel their order, or an admin's browser fulfil, deliver, refund (a
// body-less refund meant "everything") or reindex, or sign anyone out. The attacker's page sends what a browser sends:
// the victim's cookies, Origin: https://evil.example and Sec-Fetch-Site: cross-site, and no token.
public class CrossSiteRequestTests : IAsyncLifetime
{
    private const string Evil = "https://evil.example";
    private readonly CheckoutStore _store = new();

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static HttpRequestMessage CrossSite(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Origin", Evil);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        return request;
    }

    private static HttpRequestMessage SameOrigin(HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Origin", "http://localhost");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return request;
    }

    // Every endpoint of the running store that accepts a state-changing method, with its route values filled in, so
    // that an endpoint added later is attacked too without this test naming it.
    private IReadOnlyList<(HttpMethod Method, string Url, string Pattern)> StateChangingEndpoints() =>
        [.. _store.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m) && !HttpMethods.IsOptions(m))
                .Select(m => (new HttpMethod(m), Url(e.RoutePattern), e.RoutePattern.RawText ?? "")))
            .DistinctBy(e => (e.Item1, e.Item2))];

    private static string Url(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part =>
            part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                _ => "1",
            }))));

    [Fact]
    public async Task A_cross_site_body_less_request_with_admin_cookies_is_refused_by_every_state_changing_endpoint()
    {
        using var admin = await _store.CreateAdminClientAsync();
        var endpoints = StateChangingEndpoints();
        // The enumeration sees the endpoints the review named, and the rest of the API with them.
        string[] named =
        [
            "/api/orders/1/cancel", "/api/admin/orders/1/fulfil", "/api/admin/orders/1/deliver",
            "/api/admin/orders/1/refund", "/api/admin/search/reindex", "/api/account/sign-out",
        ];
        foreach (var url in named) Assert.Contains(endpoints, e => e.Url == url);
        Assert.True(endpoints.Count >= 30, $"Only {endpoints.Count} state-changing endpoints found.");

        var accepted = new List<string>();
        foreach (var (method, url, pattern) in endpoints)
        {
            using var request = CrossSite(method, url);
            using var response = await admin.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
                accepted.Add($"{method} {pattern}: {(int)response.StatusCode}");
            else if (url.StartsWith("/api/", StringComparison.Ordinal))
                await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.True(accepted.Count == 0,
            "Answered a cross-site request other than with 403:\n" + string.Join("\n", accepted));
        // The forged sign-out did not sign the admin out.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Relative("/api/admin/orders"))).StatusCode);
    }

    private static Uri Relative(string url) => new(url, UriKind.Relative);

    // A paid order, shipped (so its payment is captured and can be refunded).
    private async Task<long> ShippedOrderAsync()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));
        using var admin = await _store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task A_cross_site_cancel_with_a_guests_cookie_is_refused_and_the_same_request_from_the_store_works()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));

        using var forged = CrossSite(HttpMethod.Post, $"/api/orders/{id}/cancel");
        var refused = await shopper.SendAsync(forged);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("antiforgery token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Paid", (await shopper.OrderAsync(id)).GetProperty("status").GetString());

        using var own = SameOrigin(HttpMethod.Post, $"/api/orders/{id}/cancel");
        Assert.Equal(HttpStatusCode.OK, (await shopper.SendAsync(own)).StatusCode);
        Assert.Equal("Cancelled", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Same_origin_calls_and_calls_carrying_the_antiforgery_token_header_still_work()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));
        using var admin = await _store.CreateAdminClientAsync();
        using var ship = SameOrigin(HttpMethod.Post, $"/api/admin/orders/{id}/ship", new { });
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(ship)).StatusCode);

        using var refund = SameOrigin(HttpMethod.Post, $"/api/admin/orders/{id}/refund", new { amount = 1m });
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(refund)).StatusCode);
        // An older browser sends Origin only; the store's own origin is enough.
        using var originOnly = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/orders/{id}/refund")
        {
            Content = JsonContent.Create(new { amount = 1m }),
        };
        originOnly.Headers.Add("Origin", "http://localhost");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(originOnly)).StatusCode);

        // A script holding the token (which another site cannot read) may call from anywhere.
        var token = await admin.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        using var withToken = CrossSite(HttpMethod.Post, "/api/admin/search/reindex");
        withToken.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        Assert.True((await admin.SendAsync(withToken)).IsSuccessStatusCode);
        // A token belongs to the user it was given to: the shopper cannot use the admin's.
        using var stolen = CrossSite(HttpMethod.Post, $"/api/orders/{id}/cancel");
        stolen.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await shopper.SendAsync(stolen)).StatusCode);

        using var signOut = SameOrigin(HttpMethod.Post, "/api/account/sign-out");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(signOut)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync(Relative("/api/admin/orders"))).StatusCode);
    }

    [Fact]
    public async Task An_api_client_that_sends_no_cookies_is_not_asked_for_a_token()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var client = _store.CreateClient(new() { HandleCookies = false });

        using var request = CrossSite(HttpMethod.Post, "/api/cart/items");
        request.Content = JsonContent.Create(new { sku, quantity = 1 });

        Assert.True((await client.SendAsync(request)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_refund_that_does_not_state_its_amount_is_refused_naming_the_amount()
    {
        var id = await ShippedOrderAsync();
        using var admin = await _store.CreateAdminClientAsync();

        var bodyLess = await admin.PostAsync(Relative($"/api/admin/orders/{id}/refund"), null);
        var empty = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { reason = "goodwill" });

        await bodyLess.AssertProblemAsync(HttpStatusCode.BadRequest, "amount");
        await empty.AssertProblemAsync(HttpStatusCode.BadRequest, "amount");
        Assert.Equal(0m, (await _store.PaymentOfAsync(id))!.Refunded);
    }
}
